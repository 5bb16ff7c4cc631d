`default_nettype none
// link_crc16: one byte of CRC-16/CCITT-FALSE (poly 0x1021, MSB first, no reflection), as
// hostdrv.CRC16 computes it. Combinational.
module link_crc16 (
    input  wire [15:0] crc_i,
    input  wire [7:0]  data_i,
    output reg  [15:0] crc_o
);
    integer k;
    always @(*) begin
        crc_o = crc_i ^ {data_i, 8'h00};
        for (k = 0; k < 8; k = k + 1)
            crc_o = crc_o[15] ? ({crc_o[14:0], 1'b0} ^ 16'h1021) : {crc_o[14:0], 1'b0};
    end
endmodule
