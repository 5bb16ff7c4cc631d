`default_nettype none
// lif_decay: the product half of rule S-7, decay(x, leak) = x - floor(x * leak / 4096). This
// module computes q = floor(x * leak / 4096) (an exact product, then an arithmetic shift, which
// rounds toward minus infinity); lif_neuron subtracts it in the next pipeline stage. Mirrors
// sim.Decay.
module lif_decay #(
    parameter integer W = 16 // width of x in bits (the core's SMAX), 8..24
) (
    input  wire signed [W-1:0] x_i,
    input  wire        [11:0]  leak_i,
    output wire signed [W-1:0] q_o
);
    wire signed [W+12:0] prod = x_i * $signed({1'b0, leak_i});
`ifdef LIF_MUT_ROUND
    // Mutation: truncate toward zero instead of floor (negative rounding flipped).
    wire signed [W+12:0] adj = prod + (prod[W+12] ? $signed({{(W+1){1'b0}}, 12'hfff}) : 0);
    assign q_o = adj[W+11:12];
`else
    assign q_o = prod[W+11:12];
`endif
endmodule
