`default_nettype none
// link_ram: simple dual-port RAM, one write and one registered read port (block RAM on
// iCE40 and ECP5). Read data appears the clock after raddr_i. Contents are not reset.
module link_ram #(
    parameter integer AW = 9, // log2 depth in words, 4..16
    parameter integer DW = 8  // word width in bits
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] waddr_i,
    input  wire [DW-1:0] wdata_i,
    input  wire [AW-1:0] raddr_i,
    output reg  [DW-1:0] rdata_o
);
    reg [DW-1:0] mem [0:(1<<AW)-1];
    always @(posedge clk_i) begin
        if (we_i) mem[waddr_i] <= wdata_i;
        rdata_o <= mem[raddr_i];
    end
endmodule
