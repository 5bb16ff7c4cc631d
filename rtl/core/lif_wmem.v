`default_nettype none
// lif_wmem: the weight memory, WMEM_SPRAM selects the four UP5K SPRAM blocks (64-bit words,
// 16K deep), otherwise a generic single-port block RAM, optionally initialised from INIT.
module lif_wmem #(
    parameter integer DW = 64,        // word width (LANES x 8)
    parameter integer AW = 14,        // address width, depth 2^AW
    parameter integer WMEM_SPRAM = 0, // 1: SB_SPRAM256KA x 4 (needs DW = 64, AW = 14)
    parameter         INIT = ""       // $readmemh file for the generic RAM, "" = none
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] addr_i,
    input  wire [DW-1:0] wdata_i,
    output wire [DW-1:0] rdata_o
);
    generate
        if (WMEM_SPRAM != 0) begin : g_spram
            if (DW != 64 || AW != 14) begin : g_bad
                // Elaboration stops here: SPRAM weights need 8 lanes and a 14-bit address.
                lif_wmem_spram_needs_dw64_aw14 u_error ();
            end else begin : g_ok
                lif_wmem_spram u_mem (
                    .clk_i(clk_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i), .rdata_o(rdata_o)
                );
            end
        end else begin : g_bram
            lif_ram_sp #(.DW(DW), .AW(AW), .INIT(INIT)) u_mem (
                .clk_i(clk_i), .we_i(we_i), .addr_i(addr_i), .wdata_i(wdata_i), .rdata_o(rdata_o)
            );
        end
    endgenerate
endmodule
