`default_nettype none
// link_tx_frame: sends one raw frame held in the answer buffer (type, seq, length, body) as
// 0x00 + COBS + 0x00 (docs/protocol.md "Framing"). On start_i it sends the leading delimiter and
// runs the CRC over the len_i
// bytes at base_i and appends it big endian (two buffer writes), then COBS-encodes the
// len_i + 2 bytes: it scans ahead for the next zero (at most 254 bytes), sends the code byte and
// the block, and ends with the delimiter. The buffer keeps the frame, so the same frame can be
// sent again (a duplicate's answer) with another start_i.
module link_tx_frame #(
    parameter integer AW = 9 // log2 buffer bytes
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          start_i,
    input  wire [AW-1:0] base_i,
    input  wire [AW-1:0] len_i,    // raw bytes before the CRC, >= 4
    input  wire          crc_i,    // 1: compute and append the CRC; 0: it is already there
    output wire          busy_o,
    // buffer ports
    output reg  [AW-1:0] raddr_o,
    input  wire [7:0]    rdata_i,
    output reg           we_o,
    output reg  [AW-1:0] waddr_o,
    output reg  [7:0]    wdata_o,
    // to the UART transmitter
    output reg           tx_valid_o,
    output reg  [7:0]    tx_data_o,
    input  wire          tx_ready_i
);
    localparam [3:0] T_IDLE = 4'd0, T_CRC_RD = 4'd1, T_CRC = 4'd2, T_CRC_WR = 4'd3,
                     T_SCAN_RD = 4'd4, T_SCAN = 4'd5, T_CODE = 4'd6, T_DATA_RD = 4'd7,
                     T_DATA = 4'd8, T_NEXT = 4'd9, T_DELIM = 4'd10;
    localparam [AW-1:0] TWO = 2;
    reg [3:0]    st_q;
    reg [AW-1:0] pos_q, end_q, i_q;
    reg [AW-1:0] k_q;      // bytes in the current block (AW >= 9)
    localparam [AW-1:0] K0 = 0, K253 = 253, K254 = 254;
    reg          zstop_q;  // the block ended at a zero
    reg [15:0]   crc_q;
    wire [15:0]  crc_next;
    link_crc16 u_crc (.crc_i(crc_q), .data_i(rdata_i), .crc_o(crc_next));
    assign busy_o = (st_q != T_IDLE);

    always @(posedge clk_i) begin
        we_o <= 1'b0;
        if (tx_valid_o && tx_ready_i) tx_valid_o <= 1'b0;
        if (rst_i) begin
            st_q <= T_IDLE;
            tx_valid_o <= 1'b0;
        end else begin
            case (st_q)
                T_IDLE: if (start_i) begin
                    // a leading delimiter ends any garbage noise put on the idle line
                    tx_valid_o <= 1'b1;
                    tx_data_o  <= 8'h00;
                    pos_q <= base_i;
                    end_q <= base_i + len_i + TWO;
                    i_q   <= base_i;
                    crc_q <= 16'hFFFF;
                    raddr_o <= base_i;
                    st_q  <= crc_i ? T_CRC_RD : T_SCAN_RD;
                    if (!crc_i) begin raddr_o <= base_i; k_q <= K0; end
                end
                T_CRC_RD: st_q <= T_CRC; // read latency
                T_CRC: begin
                    crc_q <= crc_next;
                    if (i_q + 1'b1 == end_q - TWO) begin
                        st_q <= T_CRC_WR;
                        we_o <= 1'b1; waddr_o <= end_q - TWO; wdata_o <= crc_next[15:8];
                    end else begin
                        i_q <= i_q + 1'b1;
                        raddr_o <= i_q + 1'b1;
                        st_q <= T_CRC_RD;
                    end
                end
                T_CRC_WR: begin
                    we_o <= 1'b1; waddr_o <= end_q - 1'b1; wdata_o <= crc_q[7:0];
                    k_q <= K0;
                    raddr_o <= pos_q;
                    st_q <= T_SCAN_RD;
                end
                T_SCAN_RD: st_q <= T_SCAN;
                T_SCAN: begin
                    // rdata_i = buf[pos + k]; stop at a zero, at 254 bytes or at the end
                    if (pos_q + k_q == end_q) begin
                        zstop_q <= 1'b0; st_q <= T_CODE;
                    end else if (rdata_i == 8'h00) begin
                        zstop_q <= 1'b1; st_q <= T_CODE;
                    end else if (k_q == K253) begin
                        k_q <= K254; zstop_q <= 1'b0; st_q <= T_CODE;
                    end else begin
                        k_q <= k_q + 1'b1;
                        raddr_o <= pos_q + k_q + 1'b1;
                        st_q <= T_SCAN_RD;
                    end
                end
                T_CODE: if (!tx_valid_o) begin
                    tx_valid_o <= 1'b1;
                    tx_data_o  <= k_q[7:0] + 1'b1;
                    i_q <= pos_q;
                    raddr_o <= pos_q;
                    st_q <= (k_q == K0) ? T_NEXT : T_DATA_RD;
                end
                T_DATA_RD: st_q <= T_DATA;
                T_DATA: if (!tx_valid_o) begin
                    tx_valid_o <= 1'b1;
                    tx_data_o  <= rdata_i;
                    if (i_q + 1'b1 == pos_q + k_q) begin
                        st_q <= T_NEXT;
                    end else begin
                        i_q <= i_q + 1'b1;
                        raddr_o <= i_q + 1'b1;
                        st_q <= T_DATA_RD;
                    end
                end
                T_NEXT: begin
                    // after a zero-terminated block skip the zero; a block of 254 has none
                    if (zstop_q) begin
                        pos_q <= pos_q + k_q + 1'b1;
                        raddr_o <= pos_q + k_q + 1'b1;
                        k_q <= K0;
                        st_q <= T_SCAN_RD; // may find the end at once: a final code 0x01
                    end else if (pos_q + k_q == end_q) begin
                        st_q <= T_DELIM;
                    end else begin
                        pos_q <= pos_q + k_q;
                        raddr_o <= pos_q + k_q;
                        k_q <= K0;
                        st_q <= T_SCAN_RD;
                    end
                end
                T_DELIM: if (!tx_valid_o) begin
                    tx_valid_o <= 1'b1;
                    tx_data_o  <= 8'h00;
                    st_q <= T_IDLE;
                end
                default: st_q <= T_IDLE;
            endcase
        end
    end
endmodule
