`default_nettype none
// lif_wmem_spram: the UP5K weight memory, 16K words of 64 bits built from the four
// SB_SPRAM256KA blocks side by side (one 16-bit slice each, 8 lanes x 8-bit weights). SPRAM
// cannot be initialised at configuration: the host writes the weights at run time.
module lif_wmem_spram (
    input  wire        clk_i,
    input  wire        we_i,
    input  wire [13:0] addr_i,
    input  wire [63:0] wdata_i,
    output wire [63:0] rdata_o
);
    genvar k;
    generate
        for (k = 0; k < 4; k = k + 1) begin : g_spram
            SB_SPRAM256KA u_spram (
                .ADDRESS   (addr_i),
                .DATAIN    (wdata_i[16*k+15:16*k]),
                .MASKWREN  (4'b1111),
                .WREN      (we_i),
                .CHIPSELECT(1'b1),
                .CLOCK     (clk_i),
                .STANDBY   (1'b0),
                .SLEEP     (1'b0),
                .POWEROFF  (1'b1),
                .DATAOUT   (rdata_o[16*k+15:16*k])
            );
        end
    endgenerate
endmodule
