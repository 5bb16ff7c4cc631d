`default_nettype none
// lif_wmem: the weight memory, WMEM_SPRAM selects the four UP5K SPRAM blocks (16K x 64 for 8
// lanes, 32K x 32 for 4, 64K x 16 for 2), otherwise a generic single-port block RAM (split into narrow slices at depths of
// 4K..16K words, see below), optionally initialised from INIT.
module lif_wmem #(
    parameter integer DW = 64,        // word width (LANES x 8)
    parameter integer AW = 14,        // address width, depth 2^AW
    parameter integer WMEM_SPRAM = 0, // 1: SB_SPRAM256KA x 4 (DW x 2^AW = 2^20: 64/14, 32/15, 16/16)
    parameter         INIT = ""       // $readmemh file for the generic RAM, "" = none
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] addr_i,
    input  wire [DW-1:0] wdata_i,
    output wire [DW-1:0] rdata_o
);
    // Generic block RAM, split into slices of SW bits for depths 4K..16K (no INIT): a 16 Kbit
    // block holds 4K x 4, 8K x 2 or 16K x 1 bits, so each slice is one block (or a column of
    // them at 16K) and its outputs need no mux across blocks. Unsplit, Yosys maps such a depth
    // onto 2K x 9 blocks (ECP5 DP16KD) with a 2..8-way mux after the blocks, whose outputs are
    // spread over the die: at 100 MHz on an LFE5U-85F that mux was the critical path (EBR
    // clock-to-q 5.6 ns + 5 ns of routing). iCE40 blocks (4 Kbit, no parity bits) need the same
    // number of blocks either way. Baked weights (INIT) keep one memory: $readmemh fills it.
    localparam integer SW = (AW == 12) ? 4 : (AW == 13) ? 2 : (AW == 14) ? 1 : DW;
    generate
        if (WMEM_SPRAM != 0) begin : g_spram
            // 16K x 64 (8 lanes), 32K x 32 (4 lanes) or 64K x 16 (2 lanes); lif_wmem_spram
            // stops elaboration for any other shape
            lif_wmem_spram #(.DW(DW), .AW(AW)) u_mem (
                .clk_i(clk_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i), .rdata_o(rdata_o)
            );
        end else if (SW < DW && INIT == "") begin : g_slice
            // DW/SW narrow memories of the full depth, each one block RAM with no column mux
            genvar gs;
            for (gs = 0; gs < DW; gs = gs + SW) begin : g_s
                localparam integer W = (DW - gs < SW) ? DW - gs : SW;
                lif_ram_sp #(.DW(W), .AW(AW)) u_mem (
                    .clk_i(clk_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i[gs +: W]),
                    .rdata_o(rdata_o[gs +: W])
                );
            end
        end else begin : g_bram
            lif_ram_sp #(.DW(DW), .AW(AW), .INIT(INIT)) u_mem (
                .clk_i(clk_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i), .rdata_o(rdata_o)
            );
        end
    endgenerate
endmodule
