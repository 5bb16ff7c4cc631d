`default_nettype none
// lif_ram_sp: single-port RAM (one address: write, else read), the generic weight memory. Infers
// block RAM; INIT names a hex file loaded with $readmemh (weights baked into the bitstream), or
// "" for none. The read data holds its value during a write.
module lif_ram_sp #(
    parameter integer DW = 8,  // data width in bits, >= 1
    parameter integer AW = 4,  // address width in bits, depth = 2^AW, >= 1
    parameter         INIT = "" // $readmemh file, or "" for none
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] addr_i,
    input  wire [DW-1:0] wdata_i,
    output reg  [DW-1:0] rdata_o
);
    reg [DW-1:0] mem_q [0:(1<<AW)-1];

    generate
        if (INIT != "") begin : g_init
            initial $readmemh(INIT, mem_q);
        end
    endgenerate

    always @(posedge clk_i) begin
        if (we_i) mem_q[addr_i] <= wdata_i;
        else rdata_o <= mem_q[addr_i];
    end
endmodule
