`default_nettype none
// lif_lfsr8: one encoder draw of rule S-13 as combinational logic: eight steps of the 32-bit
// Galois LFSR shifting right with feedback mask 0x80200003 (sim.LFSR.Draw). The draw is the low
// byte of the result.
module lif_lfsr8 (
    input  wire [31:0] state_i,
    output reg  [31:0] state_o
);
    localparam [31:0] MASK = 32'h8020_0003;
    integer k;
    always @* begin
        state_o = state_i;
        for (k = 0; k < 8; k = k + 1)
            state_o = (state_o >> 1) ^ (state_o[0] ? MASK : 32'd0);
    end
endmodule
