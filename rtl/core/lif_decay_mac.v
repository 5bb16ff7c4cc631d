`default_nettype none
// lif_decay_mac: rule S-7 whole, for a DSP block with an adder (iCE40 SB_MAC16):
//   decay(x, leak) = x - floor(x * leak / 4096) = ceil(x * keep / 4096), keep = 4096 - leak,
//                  = floor((x * keep + 4095) / 4096)
// (x - floor(a) = -floor(a - x) = ceil(x - a) for a = x * leak / 4096, and
// x - x * leak / 4096 = x * keep / 4096). x and keep are registered on the way in, the sum on the
// way out: two clocks of latency, and Yosys maps all of it into one SB_MAC16 (input registers,
// multiply, add, output register) with no fabric cell. The result lies between 0 and x
// (S-7), so W bits hold it. lif_neuron uses it where DECAY_MAC = 1; lif_decay is the
// product-only form (a fabric subtract follows it), which suits DSPs without an adder (ECP5).
module lif_decay_mac #(
    parameter integer W = 16 // width of x in bits (the core's SMAX), 8..24
) (
    input  wire                clk_i,
    input  wire signed [W-1:0] x_i,
    input  wire        [12:0]  keep_i,  // 4096 - leak, 1..4096
    input  wire                hold_i,  // 1: decay as if leak = 0 (keep = 4096), the result is x
    output wire signed [W-1:0] d_o      // decay(x_i, leak) two clocks later
);
    reg signed [W-1:0]  x_q;
    reg                 h_q;
    reg signed [W+13:0] s_q;
    // keep is a layer constant: it needs no register of its own (Yosys puts x_q in the DSP's
    // input register; a register on keep would stay in the fabric)
    wire       [12:0]   k = h_q ? 13'd4096 : keep_i;
`ifdef LIF_MUT_ROUND
    // Mutation: floor instead of ceil (the rounding of the retained part flipped).
    localparam signed [W+13:0] RND = 0;
`else
    localparam signed [W+13:0] RND = 4095;
`endif
    always @(posedge clk_i) begin
        x_q <= x_i;
        h_q <= hold_i;
        s_q <= x_q * $signed({1'b0, k}) + RND;
    end
    assign d_o = s_q[W+11:12];
    // the low 12 bits are the discarded fraction, the top two copies of the sign (|d| <= |x|)
    wire unused_s = ^{s_q[W+13:W+12], s_q[11:0]};
endmodule
