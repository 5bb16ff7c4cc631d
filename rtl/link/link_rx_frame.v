`default_nettype none
// link_rx_frame: turns received bytes into checked frames (docs/protocol.md "Framing").
// COBS is decoded on the fly into a byte buffer (the raw frame: type, seq, length, body, crc);
// the CRC runs over every raw byte, so an intact frame leaves the residue 0. At the 0x00
// delimiter the block is accepted into one of 2^WSH slots (a frame FIFO; frame_valid_o while
// any is pending, the oldest presented until frame_ack_i) or dropped with a one-clock bad_o
// pulse: invalid COBS, shorter than 6 bytes, longer than MAXBODY + 6, CRC mismatch, or a length
// field that disagrees. Slot k occupies buffer bytes k*2^AW .. k*2^AW + 2^AW - 1. While every
// slot is full, further bytes are dropped up to the next delimiter and reported with
// overrun_o. Nothing here can wedge: every delimiter returns the decoder to its start state.
// Timing: a byte is handled a clock after it arrives, its decisions (decode, put, store, accept)
// and the raw byte it puts registered with it from flags of the decoder state; only full joins
// them in that clock. data_i must hold for that clock (link_uart_rx's data_o holds until the
// next byte's first data bit).
module link_rx_frame #(
    parameter integer AW      = 9,   // log2 bytes of one slot; 2^AW >= MAXBODY + 6
    parameter integer MAXBODY = 256, // largest body accepted, 64 .. 2^AW - 6
    parameter integer WSH     = 0,   // log2 slots (frames buffered), 0..3
    parameter integer WI      = 1    // slot index width: max(WSH, 1)
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          valid_i,     // a received byte
    input  wire [7:0]    data_i,      // valid with valid_i and the clock after it
    input  wire          zero_i,      // data_i == 0x00, registered with it (link_uart_rx)
    // buffer write port (the engine reads the other port of the same RAM)
    output reg           we_o,
    output reg  [AW+WSH-1:0] waddr_o,
    output reg  [7:0]    wdata_o,
    // the frame
    output wire          frame_valid_o,
    output wire [7:0]    type_o,
    output wire [7:0]    seq_o,
    output wire [15:0]   body_len_o,
    output wire [WI-1:0] slot_o,      // slot of the presented frame
    input  wire          frame_ack_i,
    output reg           bad_o,
    output reg           overrun_o
);
    generate
        if (MAXBODY < 64 || MAXBODY + 6 > (1 << AW)) begin : g_bad_max
            link_rx_frame_bad_MAXBODY u_error ();
        end
    endgenerate
    localparam integer W = 1 << WSH;
    localparam integer WM = W - 1;
    localparam [WI-1:0] WMASK = WM[WI-1:0];
    reg  [7:0]  type_m [0:(1<<WI)-1];
    reg  [7:0]  seq_m  [0:(1<<WI)-1];
    /* verilator lint_off UNUSEDSIGNAL */ // with one slot (WSH = 0) cur_len_q is the length
    reg  [15:0] len_m  [0:(1<<WI)-1];
    /* verilator lint_on UNUSEDSIGNAL */
    reg  [WI-1:0] wslot_q, rslot_q;
    reg  [WSH:0]  count_q;
    reg  [15:0]   cur_len_q;
    wire          full = (count_q == W[WSH:0]);
    assign frame_valid_o = (count_q != 0);
    // one slot (WSH = 0): slot 0 always, no slot multiplexers on the frame fields
    wire [WI-1:0] rs = (WSH == 0) ? {WI{1'b0}} : rslot_q;
    wire [WI-1:0] ws = (WSH == 0) ? {WI{1'b0}} : wslot_q;
    // With several slots the fields of the presented slot are read from small LUT RAMs and
    // registered (a frame's fields are stable while it is presented; after frame_ack_i they
    // follow the next slot one clock after frame_valid_o). With one slot they are registers.
    // (With one slot the length is cur_len_q itself: bytes are only stored while the slot is
    // free, so it is not overwritten while its frame is presented.)
    generate
        if (WSH == 0) begin : g_one
            assign type_o = type_m[rs];
            assign seq_o = seq_m[rs];
            assign body_len_o = cur_len_q;
        end else begin : g_reg
            reg [7:0]  type_q, seq_q;
            reg [15:0] len_q;
            always @(posedge clk_i) begin
                type_q <= type_m[rs];
                seq_q <= seq_m[rs];
                len_q <= len_m[rs];
            end
            assign type_o = type_q;
            assign seq_o = seq_q;
            assign body_len_o = len_q;
        end
    endgenerate
    assign slot_o = rs;
    reg  [15:0] crc_q;
    wire [15:0] crc_next;
    reg  [7:0]  crc_in;
    link_crc16 u_crc (.crc_i(crc_q), .data_i(crc_in), .crc_o(crc_next));

    reg [AW:0] n_q;        // raw bytes stored (at most MAXBODY + 6 < 2^AW)
    reg        max_q;      // n_q == MAXBODY + 6: the next byte makes the block too long
    reg        ge6_q;      // n_q >= 6
    // the raw bytes an intact frame has: the length field + 6 (registered, it settles long before
    // the delimiter); n_q < 2^AW, so a length field of 2^AW or more never matches (len_hi_z_q)
    reg [AW:0] exp_q;
    reg        len_hi_z_q;
    localparam integer NMAXI = MAXBODY + 5;
    localparam [AW:0] NMAX_M1 = NMAXI[AW:0], N5 = 5, SIX = 6;
    always @(posedge clk_i) begin
        exp_q <= {1'b0, cur_len_q[AW-1:0]} + SIX;
        len_hi_z_q <= cur_len_q[15:AW] == 0;
    end
    /* verilator lint_off UNUSEDSIGNAL */ // the slot bit is unused with one slot (WSH = 0)
    wire [WI+AW-1:0] wfull = {ws, n_q[AW-1:0]};
    wire [16:0] n17 = {{(16-AW){1'b0}}, n_q};
    /* verilator lint_on UNUSEDSIGNAL */
    // Flags of the state, registered: the state changes only with a byte, and bytes come at
    // least 40 clocks apart (CLKS_PER_BIT >= 4), so a flag is valid long before the next byte
    // needs it. They keep the byte's decisions a few LUT levels deep.
    reg exp_ok_q, crc_ok_q, left1_q, n0_q, n1_q, n2_q, n3_q, n5_q, nmax_q;
    always @(posedge clk_i) begin
        exp_ok_q <= len_hi_z_q && exp_q == n_q;
        crc_ok_q <= crc_q == 16'h0000;
        left1_q <= left_q == 8'd1;
        n0_q <= n17 == 17'd0; n1_q <= n17 == 17'd1; n2_q <= n17 == 17'd2; n3_q <= n17 == 17'd3;
        n5_q <= n_q == N5; nmax_q <= n_q == NMAX_M1;
    end
    reg [7:0]  left_q;     // bytes left in the current COBS block, plus one (1: next byte is a code;
                           // a code byte c loads c itself, no adder)
    reg        zero_q;     // the current block ends with an implied zero (code != 0xFF)
    reg        started_q;  // a code byte has been seen
    reg        drop_q;     // discard up to the next delimiter
    reg        over_q;     // the discard is an overrun (frame held)

    // one raw byte into the buffer and the CRC: a byte inside a block (!left1_q), or at a code
    // byte the implied zero of the previous block. Whether the next non-delimiter byte puts one
    // (pst_q) and stores it (pstm_q: not too long) is registered from the byte driven flags
    // above (valid two clocks after a byte).
    reg        pst_q, pstm_q;
    always @(posedge clk_i) begin
        pst_q  <= !drop_q && (!left1_q || (started_q && zero_q));
        pstm_q <= !drop_q && (!left1_q || (started_q && zero_q)) && !max_q;
    end
    // The byte stage: a received byte is handled a clock after it arrives (bytes are 40 clocks
    // apart), its decisions registered with it: b_dec_q (a non-delimiter byte to decode, not
    // dropped), b_put_q (... that puts a raw byte), b_store_q (... and stores it), b_acc_q (a
    // delimiter that ends an intact frame), and the raw byte it puts, b_put_b_q (the byte, or at
    // a code byte the previous block's implied zero), so the CRC starts from registers. Only
    // full (the engine frees a slot at any clock) joins them in the handling clock, so each
    // decision is one LUT. A code byte's value is read from data_i, which still holds.
    reg        b_v_q, b_z_q, b_dec_q, b_put_q, b_store_q, b_acc_q;
    reg [7:0]  b_put_b_q;
    always @(posedge clk_i) begin
        b_v_q <= valid_i && !rst_i; b_z_q <= zero_i;
        b_put_b_q <= left1_q ? 8'h00 : data_i;
        b_dec_q <= valid_i && !zero_i && !drop_q;
        b_put_q <= valid_i && !zero_i && pst_q;
        b_store_q <= valid_i && !zero_i && pstm_q;
        b_acc_q <= valid_i && zero_i && !drop_q && started_q && left1_q && ge6_q && crc_ok_q && exp_ok_q;
    end
    wire       put = b_put_q && !full;
    wire       store = b_store_q && !full;
    wire       accept = b_acc_q && !full;   // a delimiter that ends an intact frame with room for it
    wire [7:0] put_b = b_put_b_q;
    always @(*) crc_in = put_b;

    always @(posedge clk_i) begin
        we_o      <= 1'b0;
        bad_o     <= 1'b0;
        overrun_o <= 1'b0;
        if (rst_i) begin
            count_q <= 0; wslot_q <= {WI{1'b0}}; rslot_q <= {WI{1'b0}};
            n_q <= 0; left_q <= 8'd1; zero_q <= 1'b0; started_q <= 1'b0;
            drop_q <= 1'b0; over_q <= 1'b0; crc_q <= 16'hFFFF; max_q <= 1'b0; ge6_q <= 1'b0;
        end else begin
            if (b_v_q && b_z_q) begin
                // delimiter: judge the block, then start afresh
                if (drop_q) begin
                    if (over_q) overrun_o <= 1'b1;
                    else bad_o <= 1'b1;
                end else if (started_q && !full) begin
                    if (!accept) bad_o <= 1'b1;
                end else if (started_q) begin
                    overrun_o <= 1'b1;
                end
                n_q <= 0; left_q <= 8'd1; zero_q <= 1'b0; started_q <= 1'b0;
                drop_q <= 1'b0; over_q <= 1'b0; crc_q <= 16'hFFFF; max_q <= 1'b0; ge6_q <= 1'b0;
            end
            if (b_dec_q && full) begin
                drop_q <= 1'b1; // no room: every slot holds a frame not yet executed
                over_q <= 1'b1;
            end
            if (b_dec_q && !full) begin
                if (!left1_q) begin
                    left_q <= left_q - 1'b1;
                end else begin
                    started_q <= 1'b1;
                    left_q <= data_i;
                    zero_q <= (data_i != 8'hFF);
                end
            end
            if (put && !b_store_q) drop_q <= 1'b1; // too long
            if (store) begin
                we_o    <= 1'b1;
                waddr_o <= wfull[AW+WSH-1:0];
                wdata_o <= put_b;
                n_q     <= n_q + 1'b1;
                if (nmax_q) max_q <= 1'b1;
                if (n5_q) ge6_q <= 1'b1;
                crc_q   <= crc_next;
                if (n0_q) type_m[ws] <= put_b;
                if (n1_q) seq_m[ws] <= put_b;
                if (n2_q) begin cur_len_q[7:0] <= put_b; len_m[ws][7:0] <= put_b; end
                if (n3_q) begin cur_len_q[15:8] <= put_b; len_m[ws][15:8] <= put_b; end
            end
        end
        if (!rst_i) begin
            if (accept) wslot_q <= (wslot_q + 1'b1) & WMASK;
            if (frame_ack_i && count_q != 0) rslot_q <= (rslot_q + 1'b1) & WMASK;
            if (accept && !(frame_ack_i && count_q != 0)) count_q <= count_q + 1'b1;
            if (!accept && frame_ack_i && count_q != 0) count_q <= count_q - 1'b1;
        end
    end
endmodule
