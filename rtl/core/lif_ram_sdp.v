`default_nettype none
// lif_ram_sdp: simple dual-port RAM, one synchronous write port and one synchronous read port on
// one clock, optionally initialised from INIT. Infers block RAM on iCE40 (SB_RAM40_4K) and ECP5 (DP16KD). A read of the address
// written in the same cycle returns either the old or the new word depending on the device;
// lif_core never depends on it (it forwards such values itself). Contents are not reset.
module lif_ram_sdp #(
    parameter integer DW = 8, // data width in bits, >= 1
    parameter integer AW = 4,  // address width in bits, depth = 2^AW, >= 1
    parameter         INIT = "" // $readmemh file, or "" for none
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] waddr_i,
    input  wire [DW-1:0] wdata_i,
    input  wire [AW-1:0] raddr_i,
    output reg  [DW-1:0] rdata_o
);
    (* no_rw_check *) reg [DW-1:0] mem_q [0:(1<<AW)-1];

    generate
        if (INIT != "") begin : g_init
            initial $readmemh(INIT, mem_q);
        end
    endgenerate

    always @(posedge clk_i) begin
        if (we_i) mem_q[waddr_i] <= wdata_i;
        rdata_o <= mem_q[raddr_i];
    end
endmodule
