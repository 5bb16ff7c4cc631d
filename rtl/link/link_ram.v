`default_nettype none
// link_ram: simple dual-port byte RAM, one write and one registered read port (block RAM on
// iCE40 and ECP5). Read data appears the clock after raddr_i. Contents are not reset.
module link_ram #(
    parameter integer AW = 9 // log2 depth in bytes, 4..16
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] waddr_i,
    input  wire [7:0]    wdata_i,
    input  wire [AW-1:0] raddr_i,
    output reg  [7:0]    rdata_o
);
    reg [7:0] mem [0:(1<<AW)-1];
    always @(posedge clk_i) begin
        if (we_i) mem[waddr_i] <= wdata_i;
        rdata_o <= mem[raddr_i];
    end
endmodule
