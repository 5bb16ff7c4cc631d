`default_nettype none
// lif_lfsr8: one encoder draw of rule S-13 as combinational logic: eight steps of the 32-bit
// Galois LFSR shifting right with feedback mask 0x80200003 (sim.LFSR.Draw). The draw is the low
// byte of the result. The eight steps are written out as one flat XOR per output bit (at most 7
// inputs, two LUT levels); the equations were derived from the loop
//     for 8 steps: s = (s >> 1) ^ (s[0] ? 32'h8020_0003 : 0)
// and the differential tests check them against sim.
module lif_lfsr8 (
    input  wire [31:0] state_i,
    output wire [31:0] state_o
);
    wire [31:0] s = state_i;
    // Each output is pa ^ pb, pa of at most 4 state bits and pb of at most 3, kept as nets so
    // ABC does not share XOR terms between outputs (it did, and mapped them in 3 levels): one
    // LUT level each, and the core's next-state XOR with the seed takes one more.
    (* keep *) wire [31:0] pa;
    (* keep *) wire [31:0] pb;
    assign pa[0] = s[1] ^ s[2] ^ s[4] ^ s[5];
    assign pb[0] = s[7] ^ s[8];
    assign pa[1] = s[0] ^ s[1] ^ s[3] ^ s[4];
    assign pb[1] = s[6] ^ s[7] ^ s[9];
    assign pa[2] = s[10];
    assign pb[2] = 1'b0;
    assign pa[3] = s[11];
    assign pb[3] = 1'b0;
    assign pa[4] = s[12];
    assign pb[4] = 1'b0;
    assign pa[5] = s[13];
    assign pb[5] = 1'b0;
    assign pa[6] = s[14];
    assign pb[6] = 1'b0;
    assign pa[7] = s[15];
    assign pb[7] = 1'b0;
    assign pa[8] = s[16];
    assign pb[8] = 1'b0;
    assign pa[9] = s[17];
    assign pb[9] = 1'b0;
    assign pa[10] = s[18];
    assign pb[10] = 1'b0;
    assign pa[11] = s[19];
    assign pb[11] = 1'b0;
    assign pa[12] = s[20];
    assign pb[12] = 1'b0;
    assign pa[13] = s[21];
    assign pb[13] = 1'b0;
    assign pa[14] = s[0] ^ s[22];
    assign pb[14] = 1'b0;
    assign pa[15] = s[0] ^ s[1] ^ s[23];
    assign pb[15] = 1'b0;
    assign pa[16] = s[1] ^ s[2] ^ s[24];
    assign pb[16] = 1'b0;
    assign pa[17] = s[0] ^ s[2] ^ s[3] ^ s[25];
    assign pb[17] = 1'b0;
    assign pa[18] = s[0] ^ s[1] ^ s[3] ^ s[4];
    assign pb[18] = s[26];
    assign pa[19] = s[1] ^ s[2] ^ s[4] ^ s[5];
    assign pb[19] = s[27];
    assign pa[20] = s[0] ^ s[2] ^ s[3] ^ s[5];
    assign pb[20] = s[6] ^ s[28];
    assign pa[21] = s[0] ^ s[1] ^ s[3] ^ s[4];
    assign pb[21] = s[6] ^ s[7] ^ s[29];
    assign pa[22] = s[30];
    assign pb[22] = 1'b0;
    assign pa[23] = s[31];
    assign pb[23] = 1'b0;
    assign pa[24] = s[0];
    assign pb[24] = 1'b0;
    assign pa[25] = s[0] ^ s[1];
    assign pb[25] = 1'b0;
    assign pa[26] = s[1] ^ s[2];
    assign pb[26] = 1'b0;
    assign pa[27] = s[0] ^ s[2] ^ s[3];
    assign pb[27] = 1'b0;
    assign pa[28] = s[0] ^ s[1] ^ s[3] ^ s[4];
    assign pb[28] = 1'b0;
    assign pa[29] = s[1] ^ s[2] ^ s[4] ^ s[5];
    assign pb[29] = 1'b0;
    assign pa[30] = s[0] ^ s[2] ^ s[3] ^ s[5];
    assign pb[30] = s[6];
    assign pa[31] = s[0] ^ s[1] ^ s[3] ^ s[4];
    assign pb[31] = s[6] ^ s[7];
    assign state_o = pa ^ pb;
endmodule
