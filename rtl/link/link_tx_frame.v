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
// (*_RD, *_W), and the scan's zero test a third (T_SCAN_Z): about ten clocks per byte for CRC,
// scan and send together, within the 40 or more clocks the UART takes per byte
// (CLK_HZ / BAUD >= 4).
// Timing: the state is one-hot (st_q[T_*], next state written bit by bit: a state bit is set by
// the transitions into it), every decision is taken from registered flags (pointer compares, the
// scan's stop and zero tests, the pointers' increments), and while idle the pointers, the CRC,
// the block code and the CRC's end are loaded every clock (no start_i test behind their
// enables), so no flip-flop input has more than three LUT levels in front of it.
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
    localparam integer T_IDLE = 0, T_CRC_RD = 1, T_CRC_W = 2, T_CRC = 3, T_CRC_HI = 4,
                       T_CRC_LO = 5, T_SCAN_RD = 6, T_SCAN_W = 7, T_SCAN_Z = 8, T_SCAN = 9,
                       T_CODE = 10, T_DATA_RD = 11, T_DATA_W = 12, T_DATA = 13, T_NEXT = 14,
                       T_DELIM = 15, NST = 16;
    reg [NST-1:0] st_q;     // one-hot
    reg [NST-1:0] st_nx;
    reg [AW-1:0] s_q;      // scan pointer (CRC pass: read pointer, then the CRC bytes)
    reg [AW-1:0] p_q;      // emit pointer: start of the block being sent
    reg [AW-1:0] end_q;    // one past the last byte: the CRC's (base + len, the only adder),
                           // then from T_CRC_LO on the frame's (CRC included)
    reg [7:0]    k_q;      // code of the block being scanned: bytes + 1 (T_SCAN adds one
                           // unless the block ends there: the code T_CODE sends)
    reg          zstop_q;  // the block ended at a zero
    reg [15:0]   crc_q;
    wire [15:0]  crc_next;
    // the buffer's read data is registered before any logic (ECP5 block RAM outputs are slow):
    // the byte at the address of a *_RD state is in rd_q two clocks later (state after *_W)
    reg [7:0]    rd_q;
    always @(posedge clk_i) rd_q <= rdata_i;
    link_crc16 u_crc (.crc_i(crc_q), .data_i(rd_q), .crc_o(crc_next));
    // the pointers' increments, registered: valid from the second clock after a pointer last
    // changed, which every state that moves a pointer is (T_CRC_LO, entered right after s_q
    // moved, takes the frame's end from the adder itself)
    wire [AW-1:0] s_inc = s_q + 1'b1;
    reg  [AW-1:0] s_inc_q, p_inc_q;
    always @(posedge clk_i) begin
        s_inc_q <= s_inc;
        p_inc_q <= p_q + 1'b1;
    end
    // pointer compares and the scan's byte tests, registered: every state that tests one is
    // entered at least a clock after what it compares last changed (*_RD, *_W, T_SCAN_Z,
    // T_CODE's wait). dlast_q: p_q + 1 == s_q (the byte T_DATA sends ends the block), valid in
    // T_DATA two clocks after p_q moved. s_end_q: s_q == end_q, in the CRC pass (T_CRC_W) the
    // CRC has covered every byte, in the scan the frame ends at s_q. scan_stop_q / scan_zero_q: the block ends at s_q (the
    // frame's end, a zero, or 254 bytes) / at a zero, valid in T_SCAN (rd_q settles in T_SCAN_Z).
    reg s_end_q, p_at_s_q, k_full_q, dlast_q, scan_stop_q, scan_zero_q;
    always @(posedge clk_i) begin
        s_end_q     <= s_q == end_q;
        p_at_s_q    <= p_q == s_q;
        k_full_q    <= k_q == 8'd255;
        dlast_q     <= p_inc_q == s_q;
        scan_stop_q <= s_end_q || rd_q == 8'h00 || k_full_q;
        scan_zero_q <= !s_end_q && rd_q == 8'h00;
    end
    // the read port follows the emit pointer through T_DATA_RD .. T_DATA (registered select)
    reg rp_q;
    assign busy_o  = !st_q[T_IDLE];
    assign raddr_o = rp_q ? p_q : s_q;
    assign we_o    = st_q[T_CRC_HI] || st_q[T_CRC_LO];
    assign waddr_o = s_q;
    assign wdata_o = st_q[T_CRC_HI] ? crc_q[15:8] : crc_q[7:0];

    wire snd = !tx_valid_o; // T_CODE, T_DATA, T_DELIM hand a byte to the UART
    wire s_ld = st_q[T_IDLE] || st_q[T_CRC] || st_q[T_CRC_HI] || st_q[T_CRC_LO] ||
                (st_q[T_SCAN] && !scan_stop_q) || (st_q[T_NEXT] && zstop_q);
    wire p_ld = st_q[T_IDLE] || (st_q[T_DATA] && snd) || (st_q[T_NEXT] && zstop_q);
    always @(*) begin
        st_nx = {NST{1'b0}};
        st_nx[T_IDLE]    = (st_q[T_IDLE] && !start_i) || (st_q[T_DELIM] && snd);
        st_nx[T_CRC_RD]  = (st_q[T_IDLE] && start_i) || st_q[T_CRC];
        st_nx[T_CRC_W]   = st_q[T_CRC_RD];
        st_nx[T_CRC]     = st_q[T_CRC_W] && !s_end_q;
        st_nx[T_CRC_HI]  = st_q[T_CRC_W] && s_end_q;
        st_nx[T_CRC_LO]  = st_q[T_CRC_HI];
        st_nx[T_SCAN_RD] = st_q[T_CRC_LO] || (st_q[T_SCAN] && !scan_stop_q) ||
                           (st_q[T_NEXT] && (zstop_q || !s_end_q));
        st_nx[T_SCAN_W]  = st_q[T_SCAN_RD];
        st_nx[T_SCAN_Z]  = st_q[T_SCAN_W];
        st_nx[T_SCAN]    = st_q[T_SCAN_Z];
        st_nx[T_CODE]    = (st_q[T_SCAN] && scan_stop_q) || (st_q[T_CODE] && !snd);
        st_nx[T_DATA_RD] = snd && ((st_q[T_CODE] && !p_at_s_q) || (st_q[T_DATA] && !dlast_q));
        st_nx[T_DATA_W]  = st_q[T_DATA_RD];
        st_nx[T_DATA]    = st_q[T_DATA_W] || (st_q[T_DATA] && !snd);
        st_nx[T_NEXT]    = snd && ((st_q[T_CODE] && p_at_s_q) || (st_q[T_DATA] && dlast_q));
        st_nx[T_DELIM]   = (st_q[T_NEXT] && !zstop_q && s_end_q) || (st_q[T_DELIM] && !snd);
    end

    always @(posedge clk_i) begin
        st_q <= st_nx;
        rp_q <= st_nx[T_DATA_RD] || st_nx[T_DATA_W] || st_nx[T_DATA];
        // T_IDLE: everything a frame starts from, every clock (the leading delimiter is sent
        // with start_i)
        if (st_q[T_IDLE]) begin
            end_q     <= base_i + len_i;
            crc_q     <= 16'hFFFF;
            k_q       <= 8'd1;
        end
        // T_CRC: the byte at s_q into the CRC; T_CRC_HI, T_CRC_LO: the CRC into the buffer at
        // s_q (we_o); s_q is then at the CRC's low byte: the frame ends one past it
        if (st_q[T_CRC]) crc_q <= crc_next;
        if (st_q[T_CRC_LO]) end_q <= s_inc;
        // T_SCAN: rd_q = buf[s]; a block ends at a zero, at 254 bytes or at the end
        if (st_q[T_SCAN]) begin
            zstop_q <= scan_zero_q;
            if (!scan_stop_q) k_q <= k_q + 1'b1; // (a registered test; T_NEXT reloads it)
        end
        // T_NEXT: after a zero-terminated block skip the zero (the frame may end right after
        // it: a final code 0x01); a block of 254 has none
        if (st_q[T_NEXT]) k_q <= 8'd1;
        // the pointers, each with one enable and one select: s_q moves in T_CRC, T_CRC_HI, a
        // T_SCAN that goes on, a T_NEXT after a zero (skip it), and rewinds to p_q in T_CRC_LO;
        // p_q moves with a byte sent in T_DATA, and to the block after the zero in T_NEXT
        if (s_ld) s_q <= st_q[T_IDLE] ? base_i : st_q[T_CRC_LO] ? p_q : s_inc_q;
        if (p_ld) p_q <= st_q[T_IDLE] ? base_i : st_q[T_DATA] ? p_inc_q : s_inc_q;
        // the UART's byte: loaded while none is pending, handed over with tx_valid_o (the
        // leading and the closing delimiter 0x00, a block's code, a block's byte)
        if (snd) tx_data_o <= st_q[T_CODE] ? k_q : st_q[T_DATA] ? rd_q : 8'h00;
        if (tx_valid_o && tx_ready_i) tx_valid_o <= 1'b0;
        if ((st_q[T_IDLE] && start_i) || (snd && (st_q[T_CODE] || st_q[T_DATA] || st_q[T_DELIM])))
            tx_valid_o <= 1'b1;
        if (rst_i) begin
            st_q <= {{(NST-1){1'b0}}, 1'b1}; // T_IDLE
            rp_q <= 1'b0;
            tx_valid_o <= 1'b0;
        end
    end
endmodule
