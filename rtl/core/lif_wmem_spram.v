`default_nettype none
// lif_wmem_spram: the UP5K weight memory in its four SB_SPRAM256KA blocks (16K x 16 each, 1 Mbit
// in all), arranged for the word width: DW = 64 (8 lanes): four blocks side by side, 16K words;
// DW = 32 (4 lanes): two columns of two banks, 32K words; DW = 16 (2 lanes): one column of four
// banks, 64K words. Address bits above the low 14 pick the bank; every block reads every clock
// and the bank of the previous clock's address picks the output (one LUT level after the
// SPRAM, before lif_core's weight register). SPRAM cannot be initialised at configuration: the
// host writes the weights at run time.
module lif_wmem_spram #(
    parameter integer DW = 64, // word width: 64, 32 or 16
    parameter integer AW = 14  // address width: 14, 15 or 16 (DW x 2^AW = 2^20 bits)
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] addr_i,
    input  wire [DW-1:0] wdata_i,
    output wire [DW-1:0] rdata_o
);
    localparam integer NC = DW / 16;   // columns (16-bit slices of a word)
    localparam integer NB = 4 / NC;    // banks per column
    generate
        if (!((DW == 64 && AW == 14) || (DW == 32 && AW == 15) || (DW == 16 && AW == 16))) begin : g_bad
            // Elaboration stops here: the four SPRAMs hold 16K x 64, 32K x 32 or 64K x 16.
            lif_wmem_spram_needs_dw64_aw14_dw32_aw15_or_dw16_aw16 u_error ();
        end
    endgenerate

    wire [DW-1:0] bank_q [0:NB-1];
    genvar b, c;
    generate
        for (b = 0; b < NB; b = b + 1) begin : g_bank
            wire sel;
            if (NB == 1) begin : g_all
                assign sel = 1'b1;
            end else begin : g_sel
                assign sel = (addr_i[AW-1:14] == b);
            end
            for (c = 0; c < NC; c = c + 1) begin : g_col
                SB_SPRAM256KA u_spram (
                    .ADDRESS   (addr_i[13:0]),
                    .DATAIN    (wdata_i[16*c+15:16*c]),
                    .MASKWREN  (4'b1111),
                    .WREN      (we_i & sel),
                    .CHIPSELECT(1'b1),
                    .CLOCK     (clk_i),
                    .STANDBY   (1'b0),
                    .SLEEP     (1'b0),
                    .POWEROFF  (1'b1),
                    .DATAOUT   (bank_q[b][16*c+15:16*c])
                );
            end
        end
        if (NB == 1) begin : g_one
            assign rdata_o = bank_q[0];
        end else begin : g_mux
            reg [AW-15:0] bank_r; // the bank read in the previous clock
            always @(posedge clk_i) bank_r <= addr_i[AW-1:14];
`ifdef LIF_MUT_BANK
            // Mutation: the bank of the current address picks the output (a clock early).
            assign rdata_o = bank_q[addr_i[AW-1:14]];
`else
            assign rdata_o = bank_q[bank_r];
`endif
        end
    endgenerate
endmodule
