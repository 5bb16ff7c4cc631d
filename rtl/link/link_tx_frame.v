`default_nettype none
// link_tx_frame: sends one raw frame held in the answer buffer (type, seq, length, body) as
// 0x00 + COBS + 0x00 (docs/protocol.md "Framing"). On start_i it sends the leading delimiter,
// runs the CRC over the len_i bytes at base_i and appends it big endian (two buffer writes; a
// resent frame gets the same CRC written again, so there is no separate resend path),
// then COBS-encodes the len_i + 2 bytes: a scan pointer finds the end of the next block (a zero,
// 254 bytes or the end of the frame), the code byte is sent, an emit pointer sends the block up
// to the scan pointer, and the frame ends with the delimiter. The buffer keeps the frame, so
// the same frame can be sent again (a duplicate's answer) with another start_i. The buffer's
// read data is registered (rd_q) before any logic, so every read takes two wait clocks
// (*_RD, *_W): about nine clocks per byte for CRC, scan and send together, within the 40 or
// more clocks the UART takes per byte (CLK_HZ / BAUD >= 4).
module link_tx_frame #(
    parameter integer AW = 9 // log2 buffer bytes
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          start_i,
    input  wire [AW-1:0] base_i,
    input  wire [AW-1:0] len_i,    // raw bytes before the CRC, >= 4
    output wire          busy_o,
    // buffer ports
    output wire [AW-1:0] raddr_o,
    input  wire [7:0]    rdata_i,
    output wire          we_o,
    output wire [AW-1:0] waddr_o,
    output wire [7:0]    wdata_o,
    // to the UART transmitter
    output reg           tx_valid_o,
    output reg  [7:0]    tx_data_o,
    input  wire          tx_ready_i
);
    localparam [3:0] T_IDLE = 4'd0, T_CRC_RD = 4'd1, T_CRC = 4'd2, T_CRC_LO = 4'd3,
                     T_SCAN_RD = 4'd4, T_SCAN = 4'd5, T_CODE = 4'd6, T_DATA_RD = 4'd7,
                     T_DATA = 4'd8, T_NEXT = 4'd9, T_DELIM = 4'd10, T_CRC_HI = 4'd11,
                     T_CRC_W = 4'd12, T_SCAN_W = 4'd13, T_DATA_W = 4'd14;
    reg [3:0]    st_q;
    reg [AW-1:0] s_q;      // scan pointer (CRC pass: read pointer, then the CRC bytes)
    reg [AW-1:0] p_q;      // emit pointer: start of the block being sent
    reg [AW-1:0] end_q;    // one past the last raw byte (CRC included)
    reg [7:0]    k_q;      // code of the block being scanned: bytes + 1 (T_SCAN adds one every
                           // time, also at the block's end: its code is then in kc_q)
    reg [7:0]    kc_q;     // k_q as the last T_SCAN found it: the code T_CODE sends
    reg          zstop_q;  // the block ended at a zero
    reg [15:0]   crc_q;
    wire [15:0]  crc_next;
    // the buffer's read data is registered before any logic (ECP5 block RAM outputs are slow):
    // the byte at the address of a *_RD state is in rd_q two clocks later (state after *_W)
    reg [7:0]    rd_q;
    always @(posedge clk_i) rd_q <= rdata_i;
    link_crc16 u_crc (.crc_i(crc_q), .data_i(rd_q), .crc_o(crc_next));
    reg [AW-1:0] crc_end_q;  // one past the last byte the CRC covers: base + len (the only adder)
    wire [AW-1:0] s_inc = s_q + 1'b1;
    // p_q + 1 == s_q: the byte T_DATA sends ends the block; two registers (sum, compare), valid in
    // T_DATA, two clocks after p_q last changed (T_DATA_RD, T_DATA_W)
    reg [AW-1:0] p_inc_q;
    reg          dlast_q;
    always @(posedge clk_i) begin
        p_inc_q <= p_q + 1'b1;
        dlast_q <= p_inc_q == s_q;
    end
    // pointer compares, registered: every state that tests one is entered at least a clock after
    // the pointers it compares last changed (*_RD, *_W, T_CODE's wait)
    reg s_end_q, p_at_s_q, k_full_q, crc_last_q;
    always @(posedge clk_i) begin
        crc_last_q <= s_inc == crc_end_q; // T_CRC: the byte at s_q is the last the CRC covers
        s_end_q  <= s_q == end_q;
        p_at_s_q <= p_q == s_q;
        k_full_q <= k_q == 8'd255;
    end
    assign busy_o  = (st_q != T_IDLE);
    assign raddr_o = (st_q == T_DATA_RD || st_q == T_DATA_W || st_q == T_DATA) ? p_q : s_q;
    assign we_o    = (st_q == T_CRC_HI) || (st_q == T_CRC_LO);
    assign waddr_o = s_q;
    assign wdata_o = (st_q == T_CRC_HI) ? crc_q[15:8] : crc_q[7:0];

    always @(posedge clk_i) begin
        if (tx_valid_o && tx_ready_i) tx_valid_o <= 1'b0;
        case (st_q)
            T_IDLE: if (start_i) begin
                // a leading delimiter ends any garbage noise put on the idle line
                tx_valid_o <= 1'b1;
                tx_data_o  <= 8'h00;
                s_q   <= base_i;
                p_q   <= base_i;
                crc_end_q <= base_i + len_i;
                crc_q <= 16'hFFFF;
                k_q   <= 8'd1;
                st_q  <= T_CRC_RD;
            end
            T_CRC_RD: st_q <= T_CRC_W; // read latency
            T_CRC_W: st_q <= T_CRC;
            T_CRC: begin
                crc_q <= crc_next;
                s_q <= s_inc;
                st_q <= crc_last_q ? T_CRC_HI : T_CRC_RD;
            end
            T_CRC_HI: begin s_q <= s_inc; st_q <= T_CRC_LO; end
            // s_q is at the CRC's low byte: the frame ends one past it
            T_CRC_LO: begin end_q <= s_inc; s_q <= p_q; st_q <= T_SCAN_RD; end
            T_SCAN_RD: st_q <= T_SCAN_W;
            T_SCAN_W: st_q <= T_SCAN;
            T_SCAN: begin
                // rd_q = buf[s]; a block ends at a zero, at 254 bytes or at the end
                zstop_q <= !s_end_q && (rd_q == 8'h00);
                kc_q <= k_q;
                k_q <= k_q + 1'b1; // (no byte test behind k_q's enable; T_NEXT reloads it)
                if (s_end_q || rd_q == 8'h00 || k_full_q) begin
                    st_q <= T_CODE;
                end else begin
                    s_q <= s_q + 1'b1;
                    st_q <= T_SCAN_RD;
                end
            end
            T_CODE: if (!tx_valid_o) begin
                tx_valid_o <= 1'b1;
                tx_data_o  <= kc_q;
                st_q <= p_at_s_q ? T_NEXT : T_DATA_RD;
            end
            T_DATA_RD: st_q <= T_DATA_W;
            T_DATA_W: st_q <= T_DATA;
            T_DATA: if (!tx_valid_o) begin // raddr_o stays p_q while waiting: rd_q holds
                tx_valid_o <= 1'b1;
                tx_data_o  <= rd_q;
                p_q <= p_q + 1'b1;
                st_q <= dlast_q ? T_NEXT : T_DATA_RD;
            end
            T_NEXT: begin
                // after a zero-terminated block skip the zero (the frame may end right after
                // it: a final code 0x01); a block of 254 has none
                k_q <= 8'd1;
                if (zstop_q) begin
                    s_q <= s_q + 1'b1;
                    p_q <= s_q + 1'b1;
                    st_q <= T_SCAN_RD;
                end else if (s_end_q) begin
                    st_q <= T_DELIM;
                end else begin
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
        if (rst_i) begin
            st_q <= T_IDLE;
            tx_valid_o <= 1'b0;
        end
    end
endmodule
