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
    assign state_o[0] = s[1] ^ s[2] ^ s[4] ^ s[5] ^ s[7] ^ s[8];
    assign state_o[1] = s[0] ^ s[1] ^ s[3] ^ s[4] ^ s[6] ^ s[7] ^ s[9];
    assign state_o[2] = s[10];
    assign state_o[3] = s[11];
    assign state_o[4] = s[12];
    assign state_o[5] = s[13];
    assign state_o[6] = s[14];
    assign state_o[7] = s[15];
    assign state_o[8] = s[16];
    assign state_o[9] = s[17];
    assign state_o[10] = s[18];
    assign state_o[11] = s[19];
    assign state_o[12] = s[20];
    assign state_o[13] = s[21];
    assign state_o[14] = s[0] ^ s[22];
    assign state_o[15] = s[0] ^ s[1] ^ s[23];
    assign state_o[16] = s[1] ^ s[2] ^ s[24];
    assign state_o[17] = s[0] ^ s[2] ^ s[3] ^ s[25];
    assign state_o[18] = s[0] ^ s[1] ^ s[3] ^ s[4] ^ s[26];
    assign state_o[19] = s[1] ^ s[2] ^ s[4] ^ s[5] ^ s[27];
    assign state_o[20] = s[0] ^ s[2] ^ s[3] ^ s[5] ^ s[6] ^ s[28];
    assign state_o[21] = s[0] ^ s[1] ^ s[3] ^ s[4] ^ s[6] ^ s[7] ^ s[29];
    assign state_o[22] = s[30];
    assign state_o[23] = s[31];
    assign state_o[24] = s[0];
    assign state_o[25] = s[0] ^ s[1];
    assign state_o[26] = s[1] ^ s[2];
    assign state_o[27] = s[0] ^ s[2] ^ s[3];
    assign state_o[28] = s[0] ^ s[1] ^ s[3] ^ s[4];
    assign state_o[29] = s[1] ^ s[2] ^ s[4] ^ s[5];
    assign state_o[30] = s[0] ^ s[2] ^ s[3] ^ s[5] ^ s[6];
    assign state_o[31] = s[0] ^ s[1] ^ s[3] ^ s[4] ^ s[6] ^ s[7];
endmodule
