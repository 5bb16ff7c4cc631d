`default_nettype none
// lif_decay: the product half of rule S-7, decay(x, leak) = x - floor(x * leak / 4096). This
// module computes q = floor(x * leak / 4096) (an exact product, then an arithmetic shift, which
// rounds toward minus infinity); lif_neuron subtracts it in the next pipeline stage. Mirrors
// sim.Decay. REG = 1 registers the whole product (q_o one clock after x_i), so a DSP block
// (iCE40 SB_MAC16, ECP5 MULT18X18D) takes the register as its output register; REG = 0 is
// combinational (a register after it holds only the slice and stays in the fabric).
module lif_decay #(
    parameter integer W   = 16, // width of x in bits (the core's SMAX), 8..24
    parameter integer REG = 0   // 1: product registered inside (one clock of latency)
) (
    input  wire                clk_i,   // used when REG = 1
    input  wire signed [W-1:0] x_i,
    input  wire        [11:0]  leak_i,
    output wire signed [W-1:0] q_o
);
    wire signed [W+12:0] prod_d = x_i * $signed({1'b0, leak_i});
    wire signed [W+12:0] prod;
    generate
        if (REG != 0) begin : g_reg
            reg signed [W+12:0] prod_q;
            always @(posedge clk_i) prod_q <= prod_d;
            assign prod = prod_q;
        end else begin : g_comb
            wire unused_clk = clk_i; // no register (Verilator's lint skips unused* names)
            assign prod = prod_d;
        end
    endgenerate
`ifdef LIF_MUT_ROUND
    // Mutation: truncate toward zero instead of floor (negative rounding flipped).
    wire signed [W+12:0] adj = prod + (prod[W+12] ? $signed({{(W+1){1'b0}}, 12'hfff}) : 0);
    assign q_o = adj[W+11:12];
`else
    assign q_o = prod[W+11:12];
`endif
endmodule
