`default_nettype none
// link_engine: the device side of docs/protocol.md on top of lif_core's host port and run
// control (docs/rtl.md). It executes checked frames one at a time in sequence order (the
// receiver buffers up to 2^WSH, the window), keeps the last 2^WSH answers in per-slot answer
// buffers so a duplicate is answered again without executing twice, and answers NAK with the
// expected sequence number to damaged or
// out-of-order frames. Spaces: 6 (input, staged in the engine's input RAM), 10 (the core's
// 32-bit host port, word addressed; the host computes the layout) and 11 (intensities, one byte
// per input, straight into the core's intensity RAM). RUN copies staged intensities into the
// core (when input_len > 0) or streams spike events into ev_*, waits for done_o, then reads the
// last layer's STAT words (max V or spike counts) and answers the summary with its argmax.
// Samples are checked by the host (sim.Sample.Check); a malformed event list cannot wedge the
// engine (every step still ends with an end-of-step beat).
module link_engine #(
    parameter integer AW         = 9,          // log2 rx/tx buffer bytes
    parameter integer MAXBODY    = 256,        // largest body, <= 2^AW - 6 - 16
    parameter integer WSH        = 0,          // log2 window: frames in flight, answers cached
    parameter integer WI         = 1,          // max(WSH, 1)
    parameter integer IAW        = 11,         // log2 input RAM bytes (INPUT_MEM = 2^IAW)
    parameter integer CLK_HZ     = 48000000,   // reported in INFO
    parameter integer BAUD       = 3000000,    // reported in INFO
    parameter integer LANES      = 8,          // core parameters, reported in INFO
    parameter integer SMAX       = 16,
    parameter integer ACC_W      = 24,
    parameter integer LAYERS_MAX = 4,
    parameter integer NEUR_AW    = 9,
    parameter integer LAYER_AW   = 8,
    parameter integer IN_AW      = 10,
    parameter integer WMEM_AW    = 14,
    parameter integer FLEN       = 5,          // bytes of FAMILY
    parameter [39:0]  FAMILY     = "ice40"
) (
    input  wire          clk_i,
    input  wire          rst_i,
    // received frame
    input  wire          frame_valid_i,
    input  wire [7:0]    type_i,
    input  wire [7:0]    seq_i,
    input  wire [15:0]   body_len_i,
    output reg           frame_ack_o,
    output reg  [AW-1:0] rx_raddr_o,
    input  wire [7:0]    rx_rdata_i,
    input  wire          rx_bad_i,
    input  wire          rx_overrun_i,
    input  wire          uart_err_i,
    // answer
    output reg           tx_start_o,
    output reg  [AW-1:0] tx_base_o,       // offset within slot tx_slot_o
    output reg  [WI-1:0] tx_slot_o,       // answer slot (seq mod window; NAKs use slot 0)
    output reg  [AW-1:0] tx_len_o,
    output reg           tx_crc_o,
    input  wire          tx_busy_i,
    output reg           tx_we_o,
    output reg  [AW-1:0] tx_waddr_o,
    output reg  [7:0]    tx_wdata_o,
    // lif_core host port and run control
    output reg           host_req_o,
    output reg           host_we_o,
    output reg  [23:0]   host_addr_o,
    output reg  [31:0]   host_wdata_o,
    input  wire          host_gnt_i,
    input  wire          host_rvalid_i,
    input  wire [31:0]   host_rdata_i,
    output reg           run_start_o,
    output reg  [31:0]   run_steps_o,
    output reg           run_mode_o,
    output reg           run_clear_o,
    input  wire          done_i,
    output reg           ev_valid_o,
    input  wire          ev_ready_i,
    output reg           ev_eos_o,
    output reg  [15:0]   ev_index_o
);
    localparam integer INPUT_MEM = 1 << IAW;
    localparam [AW-1:0] NAK_BASE = (1 << AW) - 16;
    generate
        if (MAXBODY + 6 > (1 << AW) - 16) begin : g_bad_max
            link_engine_bad_MAXBODY u_error ();
        end
    endgenerate

    // ------------------------------------------------------------ INFO (docs/protocol.md)
    function [31:0] le32(input [31:0] v);
        le32 = {v[7:0], v[15:8], v[23:16], v[31:24]};
    endfunction
    localparam integer INFO_N = 106 + FLEN; // fixed keys, then family (key, len, FLEN bytes)
    localparam [8*104-1:0] INFO_FIX = {
        8'd1, 8'd1, 8'd1,
        8'd2, 8'd2, 8'd0, 8'd1,
        8'd4, 8'd1, LAYERS_MAX[7:0],
        8'd5, 8'd4, le32(32'd1 << IN_AW),
        8'd6, 8'd4, le32(32'd1 << LAYER_AW),
        8'd7, 8'd4, le32(32'd1 << NEUR_AW),
        8'd8, 8'd4, le32(LANES << WMEM_AW),
        8'd9, 8'd2, 8'd2, 8'd8,
        8'd10, 8'd1, SMAX[7:0],
        8'd11, 8'd1, 8'h0F,
        8'd12, 8'd4, le32(32'd65535),
        8'd13, 8'd4, le32(INPUT_MEM),
        8'd14, 8'd4, le32(32'd0),
        8'd15, 8'd4, le32(MAXBODY),
        8'd16, 8'd1, W[7:0],
        8'd17, 8'd4, le32(CLK_HZ),
        8'd18, 8'd4, le32(BAUD),
        8'd19, 8'd4, le32(LANES),
        8'd20, 8'd1, ACC_W[7:0],
        8'd21, 8'd1, NEUR_AW[7:0],
        8'd22, 8'd1, LAYER_AW[7:0],
        8'd23, 8'd1, IN_AW[7:0],
        8'd24, 8'd1, WMEM_AW[7:0]
    };
    localparam [8*INFO_N-1:0] INFO = {INFO_FIX, 8'd3, FLEN[7:0], FAMILY[8*FLEN-1:0]};

    // ------------------------------------------------------------ state
    localparam [5:0]
        S_IDLE = 6'd0, S_NAK = 6'd1, S_HDR_RD = 6'd2, S_HDR = 6'd3, S_DISPATCH = 6'd4,
        S_FIN = 6'd5, S_INFO = 6'd6, S_STATUS = 6'd7, S_HELLO = 6'd8, S_ERR = 6'd9,
        S_WIN_RD = 6'd10, S_WIN = 6'd11, S_WC_RD = 6'd12, S_WC = 6'd13, S_CW = 6'd14,
        S_CR = 6'd15, S_CR_WAIT = 6'd16, S_PUT = 6'd17, S_RIN_RD = 6'd18, S_RIN = 6'd19,
        S_RC = 6'd20, S_RUN = 6'd21, S_INT_RD = 6'd22, S_INT = 6'd23, S_GO = 6'd24,
        S_WAIT = 6'd25, S_RES0 = 6'd26, S_RES1 = 6'd27, S_RES2 = 6'd28, S_RES3 = 6'd29,
        S_RES4 = 6'd30, S_HEAD = 6'd31, S_RC_PUT = 6'd32, S_TXNAK = 6'd33, S_ACKWAIT = 6'd34,
        S_CWR = 6'd35, S_SEND = 6'd36, S_WX_RD = 6'd37, S_WX = 6'd38, S_CWX = 6'd39;
    reg [5:0]  st_q, ret_q, ret2_q;

    reg        synced_q, clear_pend_q, loaded_q;
    localparam integer W = 1 << WSH;
    localparam integer WM = W - 1;
    localparam [WI-1:0] WMASK = WM[WI-1:0];
    reg [(1<<WI)-1:0] cache_v_q;                 // answer cache: valid, seq, length per slot
    reg [7:0]    cache_seq_m [0:(1<<WI)-1];
    reg [AW-1:0] cache_len_m [0:(1<<WI)-1];
    wire [WI-1:0] sidx = seq_i[WI-1:0] & WMASK;  // this frame's slot
    wire [7:0]    back = expect_q - seq_i;       // how far behind the expected seq
    reg [7:0]  expect_q;
    reg        nak_pend_q;
    reg [7:0]  nak_reason_q;
    // STATUS counters: u32 on the wire, counted modulo 2^16 here (docs/protocol.md)
    reg [15:0] c_ok, c_crc, c_over, c_uart, c_bad, c_nak, c_dup, c_runs;

    reg [79:0] hdr_q;      // first 10 body bytes
    reg [15:0] i_q;
    reg [7:0]  fin_type_q;
    reg [15:0] fin_len_q;
    reg        fin_consume_q;
    reg [7:0]  err_q;
    reg [31:0] word_q;     // gathered / read word
    reg [23:0] caddr_q;    // core address
    reg [31:0] put_q;      // bytes to put into the answer, LSB first
    reg [2:0]  put_n_q;
    reg [AW-1:0] put_a_q;
    // run
    reg [31:0] clocks_q, spikes_q;
    reg [15:0] steps_q;
    reg [15:0] inlen_q;
    reg        mode_q;
    reg [3:0]  nl_q;
    reg [15:0] nout_q, sbase_q, pred_q;
    reg signed [31:0] best_q;
    reg [1:0]  head_q;

    wire [7:0]  space  = hdr_q[7:0];
    wire [31:0] addr32 = hdr_q[47:16];
    wire [15:0] rcount = hdr_q[63:48];
    wire [15:0] wcount = body_len_i - 16'd6;

    // input RAM
    reg            in_we;
    reg  [IAW-1:0] in_waddr;
    reg  [IAW-1:0] in_raddr;
    reg  [7:0]     in_wdata;
    wire [7:0]     in_rdata;
    link_ram #(.AW(IAW)) u_in (.clk_i(clk_i), .we_i(in_we), .waddr_i(in_waddr), .wdata_i(in_wdata),
                               .raddr_i(in_raddr), .rdata_o(in_rdata));

    // event feeder
    localparam [3:0] E_OFF = 4'd0, E_CA = 4'd1, E_CB = 4'd2, E_CC = 4'd3,
                     E_IA = 4'd4, E_IB = 4'd5, E_IC = 4'd6, E_BEAT = 4'd7, E_EOS = 4'd8;
    reg [3:0]  e_q;
    reg [IAW-1:0] in_raddr_q;
    reg [1:0]  fi_q;
    reg [15:0] epos_q;
    reg [15:0] ecnt_q;
    reg [15:0] efed_q;
    reg [7:0]  elo_q;

    function [7:0] status_byte(input [5:0] k);
        reg [15:0] v;
        begin
            case (k[5:2])
                4'd0: v = c_ok;   4'd1: v = c_crc;  4'd2: v = c_over; 4'd3: v = c_uart;
                4'd4: v = c_bad;  4'd5: v = c_nak;  4'd6: v = c_dup;  4'd7: v = c_runs;
                default: v = {15'd0, loaded_q};
            endcase
            status_byte = (k[5:2] == 4'd8) ? v[7:0] : (k[1] ? 8'd0 : v[8*k[0] +: 8]);
        end
    endfunction

    wire [16:0] in_end_w = {1'b0, addr32[15:0]} + {1'b0, wcount};
    wire [16:0] in_end_r = {1'b0, addr32[15:0]} + {1'b0, rcount};
    wire in_range_w = (addr32[31:16] == 16'd0) && (in_end_w <= INPUT_MEM[16:0]);
    wire in_range_r = (addr32[31:16] == 16'd0) && (in_end_r <= INPUT_MEM[16:0]);

    // INFO byte i_q as a 7-input function (a constant table, not a shifter)
    reg [7:0] info_b;
    integer k;
    always @(*) begin
        info_b = 8'h00;
        for (k = 0; k < INFO_N; k = k + 1)
            if (i_q[6:0] == k[6:0]) info_b = INFO[8*(INFO_N-1-k) +: 8];
    end

    always @(*) begin
        host_req_o = (st_q == S_CW) || (st_q == S_CWR) || (st_q == S_CWX) || (st_q == S_CR);
        host_we_o  = (st_q == S_CW) || (st_q == S_CWR) || (st_q == S_CWX);
        host_addr_o = caddr_q;
        host_wdata_o = word_q;
        ev_valid_o = (e_q == E_BEAT) || (e_q == E_EOS);
        ev_eos_o   = (e_q == E_EOS);
        in_raddr   = in_raddr_q;
        if (e_q == E_CA || e_q == E_IA) in_raddr = epos_q[IAW-1:0];
        if (e_q == E_CB || e_q == E_IB) in_raddr = epos_q[IAW-1:0] + 1'b1;
    end

    always @(posedge clk_i) begin
        frame_ack_o <= 1'b0;
        tx_start_o  <= 1'b0;
        tx_we_o     <= 1'b0;
        in_we       <= 1'b0;
        run_start_o <= 1'b0;
        if (rx_bad_i) begin c_crc <= c_crc + 1'b1; nak_pend_q <= 1'b1; nak_reason_q <= 8'd1; end
        if (rx_overrun_i) begin c_over <= c_over + 1'b1; nak_pend_q <= 1'b1; nak_reason_q <= 8'd3; end
        if (uart_err_i) c_uart <= c_uart + 1'b1;
        if (rst_i) begin
            st_q <= S_IDLE; e_q <= E_OFF;
            synced_q <= 1'b0; cache_v_q <= 0; clear_pend_q <= 1'b1; loaded_q <= 1'b0;
            expect_q <= 8'd0; nak_pend_q <= 1'b0;
            c_ok <= 0; c_crc <= 0; c_over <= 0; c_uart <= 0; c_bad <= 0; c_nak <= 0; c_dup <= 0; c_runs <= 0;
        end else begin
            if (st_q != S_FIN) fi_q <= 2'd0;

            // event feeder (runs beside S_WAIT): per step a u16 count, then count u16 indices
            case (e_q)
                // the input RAM address is combinational (epos, epos+1): data one clock later
                E_CA: e_q <= E_CB;
                E_CB: begin elo_q <= in_rdata; e_q <= E_CC; end
                E_CC: begin
                    ecnt_q <= {in_rdata, elo_q};
                    epos_q <= epos_q + 16'd2;
                    e_q <= ({in_rdata, elo_q} == 16'd0) ? E_EOS : E_IA;
                end
                E_IA: e_q <= E_IB;
                E_IB: begin elo_q <= in_rdata; e_q <= E_IC; end
                E_IC: begin
                    ev_index_o <= {in_rdata, elo_q};
                    epos_q <= epos_q + 16'd2;
                    e_q <= E_BEAT;
                end
                E_BEAT: if (ev_ready_i) begin
                    spikes_q <= spikes_q + 1'b1;
                    ecnt_q <= ecnt_q - 1'b1;
                    e_q <= (ecnt_q == 16'd1) ? E_EOS : E_IA;
                end
                E_EOS: if (ev_ready_i) begin
                    efed_q <= efed_q + 1'b1;
                    if (efed_q + 16'd1 == steps_q) e_q <= E_OFF;
                    else if (epos_q + 16'd2 > inlen_q) e_q <= E_EOS;
                    else e_q <= E_CA;
                end
                default: ;
            endcase

            case (st_q)
            S_IDLE: if (!tx_busy_i) begin
                if (frame_valid_i) begin
                    i_q <= 16'd0;
                    hdr_q <= 80'd0;
                    rx_raddr_o <= 4;
                    st_q <= (body_len_i == 0) ? S_DISPATCH : S_HDR_RD;
                end else if (nak_pend_q) begin
                    i_q <= 16'd0;
                    tx_slot_o <= {WI{1'b0}};
                    st_q <= S_NAK;
                end
            end
            S_NAK: begin // FF, E, 2, 0, reason, E at NAK_BASE
                tx_we_o <= 1'b1;
                tx_waddr_o <= NAK_BASE + i_q[AW-1:0];
                case (i_q[2:0])
                    3'd0: tx_wdata_o <= 8'hFF;
                    3'd1: tx_wdata_o <= expect_q;
                    3'd2: tx_wdata_o <= 8'd2;
                    3'd3: tx_wdata_o <= 8'd0;
                    3'd4: tx_wdata_o <= nak_reason_q;
                    default: tx_wdata_o <= expect_q;
                endcase
                i_q <= i_q + 1'b1;
                if (i_q == 16'd5) begin
                    nak_pend_q <= 1'b0;
                    c_nak <= c_nak + 1'b1;
                    st_q <= S_TXNAK;
                end
            end
            S_TXNAK: begin
                tx_start_o <= 1'b1; tx_base_o <= NAK_BASE; tx_len_o <= 6; tx_crc_o <= 1'b1;
                st_q <= S_ACKWAIT;
            end
            S_HDR_RD: st_q <= S_HDR;
            S_HDR: begin
                hdr_q[8*i_q[3:0] +: 8] <= rx_rdata_i;
                if (i_q + 1'b1 == body_len_i || i_q == 16'd9) begin
                    st_q <= S_DISPATCH;
                end else begin
                    i_q <= i_q + 1'b1;
                    rx_raddr_o <= 5 + i_q[AW-1:0];
                    st_q <= S_HDR_RD;
                end
            end
            S_DISPATCH: begin
                c_ok <= c_ok + 1'b1;
                i_q <= 16'd0;
                tx_slot_o <= sidx;
                fin_consume_q <= 1'b1;
                fin_type_q <= type_i | 8'h80;
                fin_len_q <= 16'd0;
                if (type_i == 8'h01) begin
                    if (body_len_i == 16'd6 && hdr_q[7:0] <= 8'd1 && hdr_q[15:8] >= 8'd1) begin
                        synced_q <= 1'b1;
                        expect_q <= seq_i;      // S_FIN adds one
                        cache_v_q <= 0;
                        st_q <= S_HELLO;
                    end else begin
                        fin_consume_q <= 1'b0; err_q <= 8'd9; st_q <= S_ERR;
                    end
                end else if (!synced_q) begin
                    fin_consume_q <= 1'b0; err_q <= 8'd10; st_q <= S_ERR;
                end else if (seq_i != expect_q) begin
                    frame_ack_o <= 1'b1;
                    if (back >= 8'd1 && {24'd0, back} <= W && cache_v_q[sidx] && cache_seq_m[sidx] == seq_i) begin
                        c_dup <= c_dup + 1'b1;
                        tx_start_o <= 1'b1; tx_base_o <= 0; tx_len_o <= cache_len_m[sidx]; tx_crc_o <= 1'b0;
                        st_q <= S_ACKWAIT;
                    end else begin
                        nak_pend_q <= 1'b1; nak_reason_q <= 8'd2;
                        st_q <= S_ACKWAIT;
                    end
                end else begin
                    case (type_i)
                        8'h02: st_q <= S_INFO;
                        8'h03: st_q <= S_STATUS;
                        8'h04: begin clear_pend_q <= 1'b1; st_q <= S_FIN; end
                        8'h05: begin
                            if (body_len_i < 16'd6) begin err_q <= 8'd2; st_q <= S_ERR; end
                            else if (space == 8'd6 && in_range_w) begin
                                rx_raddr_o <= 10; st_q <= (wcount == 0) ? S_FIN : S_WIN_RD;
                            end else if (space == 8'd11 && addr32[31:16] == 16'd0) begin
                                caddr_q <= {4'd4, 4'd0, addr32[15:0]};
                                rx_raddr_o <= 10; st_q <= (wcount == 0) ? S_FIN : S_WX_RD;
                            end else if (space == 8'd10 && wcount[1:0] == 2'd0) begin
                                caddr_q <= addr32[23:0];
                                rx_raddr_o <= 10; st_q <= (wcount == 0) ? S_FIN : S_WC_RD;
                                loaded_q <= 1'b1;
                            end else begin err_q <= 8'd3; st_q <= S_ERR; end
                        end
                        8'h06: begin
                            fin_len_q <= rcount;
                            if (body_len_i != 16'd8 || {16'd0, rcount} > MAXBODY) begin err_q <= 8'd2; st_q <= S_ERR; end
                            else if (space == 8'd6 && in_range_r) begin
                                in_raddr_q <= addr32[IAW-1:0]; st_q <= (rcount == 0) ? S_FIN : S_RIN_RD;
                            end else if (space == 8'd10 && rcount[1:0] == 2'd0) begin
                                caddr_q <= addr32[23:0]; st_q <= (rcount == 0) ? S_FIN : S_RC;
                            end else begin err_q <= 8'd3; st_q <= S_ERR; end
                        end
                        8'h07: st_q <= S_RUN;
                        default: begin err_q <= 8'd1; st_q <= S_ERR; end
                    endcase
                end
            end
            S_ACKWAIT: st_q <= S_IDLE; // let frame_valid fall before looking again
            S_ERR: begin
                c_bad <= c_bad + 1'b1;
                tx_we_o <= 1'b1; tx_waddr_o <= 4; tx_wdata_o <= err_q;
                fin_type_q <= 8'hFE; fin_len_q <= 16'd1;
                st_q <= S_FIN;
            end
            S_HELLO: begin // version 1, nonce
                tx_we_o <= 1'b1; tx_waddr_o <= 4 + i_q[AW-1:0];
                tx_wdata_o <= (i_q == 0) ? 8'd1 : hdr_q[8*(i_q[3:0]+1) +: 8];
                i_q <= i_q + 1'b1;
                if (i_q == 16'd4) begin fin_len_q <= 16'd5; st_q <= S_FIN; end
            end
            S_INFO: begin
                tx_we_o <= 1'b1; tx_waddr_o <= 4 + i_q[AW-1:0];
                tx_wdata_o <= info_b;
                i_q <= i_q + 1'b1;
                if (i_q == INFO_N[15:0] - 16'd1) begin fin_len_q <= INFO_N[15:0]; st_q <= S_FIN; end
            end
            S_STATUS: begin
                tx_we_o <= 1'b1; tx_waddr_o <= 4 + i_q[AW-1:0];
                tx_wdata_o <= status_byte(i_q[5:0]);
                i_q <= i_q + 1'b1;
                if (i_q == 16'd32) begin fin_len_q <= 16'd33; st_q <= S_FIN; end
            end
            // WRITE to the input RAM: rx byte 10+i -> input[addr+i]
            S_WIN_RD: st_q <= S_WIN;
            S_WIN: begin
                in_we <= 1'b1; in_waddr <= addr32[IAW-1:0] + i_q[IAW-1:0]; in_wdata <= rx_rdata_i;
                i_q <= i_q + 1'b1;
                rx_raddr_o <= 11 + i_q[AW-1:0];
                st_q <= (i_q + 1'b1 == wcount) ? S_FIN : S_WIN_RD;
            end
            // WRITE intensities (space 11): rx byte 10+i -> core intensity RAM word addr+i
            S_WX_RD: st_q <= S_WX;
            S_WX: begin
                word_q <= {24'd0, rx_rdata_i};
                i_q <= i_q + 1'b1;
                rx_raddr_o <= 11 + i_q[AW-1:0];
                st_q <= S_CWX;
            end
            S_CWX: if (host_gnt_i) begin
                caddr_q <= caddr_q + 1'b1;
                st_q <= (i_q == wcount) ? S_FIN : S_WX_RD;
            end
            // WRITE to the core: gather 4 bytes, then one host port write
            S_WC_RD: st_q <= S_WC;
            S_WC: begin
                word_q <= {rx_rdata_i, word_q[31:8]};
                i_q <= i_q + 1'b1;
                rx_raddr_o <= 11 + i_q[AW-1:0];
                st_q <= (i_q[1:0] == 2'd3) ? S_CW : S_WC_RD;
            end
            S_CW: if (host_gnt_i) begin
                caddr_q <= caddr_q + 1'b1;
                st_q <= (i_q == wcount) ? S_FIN : S_WC_RD;
            end
            // READ from the input RAM
            S_RIN_RD: st_q <= S_RIN;
            S_RIN: begin
                tx_we_o <= 1'b1; tx_waddr_o <= 4 + i_q[AW-1:0]; tx_wdata_o <= in_rdata;
                i_q <= i_q + 1'b1;
                in_raddr_q <= addr32[IAW-1:0] + i_q[IAW-1:0] + 1'b1;
                st_q <= (i_q + 1'b1 == rcount) ? S_FIN : S_RIN_RD;
            end
            // READ from the core: one host port read, 4 bytes into the answer
            S_RC: begin ret_q <= S_RC_PUT; st_q <= S_CR; end
            S_RC_PUT: begin
                put_q <= word_q; put_n_q <= 3'd4; put_a_q <= 4 + i_q[AW-1:0];
                i_q <= i_q + 16'd4;
                caddr_q <= caddr_q + 1'b1;
                ret2_q <= (i_q + 16'd4 == rcount) ? S_FIN : S_RC;
                st_q <= S_PUT;
            end
            // core read subroutine: caddr_q -> word_q, then ret_q
            S_CR: if (host_gnt_i) st_q <= S_CR_WAIT;
            S_CR_WAIT: if (host_rvalid_i) begin word_q <= host_rdata_i; st_q <= ret_q; end
            // put subroutine: put_n_q bytes of put_q at put_a_q, then ret2_q
            S_PUT: begin
                tx_we_o <= 1'b1; tx_waddr_o <= put_a_q; tx_wdata_o <= put_q[7:0];
                put_q <= {8'd0, put_q[31:8]};
                put_a_q <= put_a_q + 1'b1;
                put_n_q <= put_n_q - 1'b1;
                if (put_n_q == 3'd1) st_q <= ret2_q;
            end
            // RUN
            S_RUN: begin
                steps_q <= hdr_q[15:0];
                mode_q  <= hdr_q[32];
                inlen_q <= hdr_q[55:40];
                clocks_q <= 32'd0; spikes_q <= 32'd0;
                i_q <= 16'd0;
                if (body_len_i != 16'd9) begin err_q <= 8'd2; st_q <= S_ERR; end
                else if (hdr_q[31:0] == 32'd0 || hdr_q[31:0] > 32'd65535 || hdr_q[34]) begin err_q <= 8'd7; st_q <= S_ERR; end
                else if (hdr_q[71:40] > INPUT_MEM) begin err_q <= 8'd8; st_q <= S_ERR; end
                else if (hdr_q[32] && hdr_q[71:40] != 32'd0) begin in_raddr_q <= 0; st_q <= S_INT_RD; end
                else st_q <= S_GO;
            end
            // intensities: input[j] -> core region 4 word j
            S_INT_RD: st_q <= S_INT;
            S_INT: begin
                word_q <= {24'd0, in_rdata};
                caddr_q <= {4'd4, 4'd0, i_q};
                ret_q <= S_INT_RD;
                st_q <= S_CWR;
            end
            S_CWR: if (host_gnt_i) begin
                i_q <= i_q + 1'b1;
                in_raddr_q <= i_q[IAW-1:0] + 1'b1;
                st_q <= (i_q + 16'd1 == inlen_q) ? S_GO : S_INT_RD;
            end
            S_GO: begin
                run_start_o <= 1'b1;
                run_steps_o <= {16'd0, steps_q};
                run_mode_o <= mode_q;
                run_clear_o <= !hdr_q[33] || clear_pend_q;
                clear_pend_q <= 1'b0;
                efed_q <= 16'd0; epos_q <= 16'd0;
                e_q <= mode_q ? E_OFF : (inlen_q < 16'd2 ? E_EOS : E_CA);
                st_q <= S_WAIT;
            end
            S_WAIT: begin
                clocks_q <= clocks_q + 1'b1;
                if (done_i) begin
                    e_q <= E_OFF;
                    c_runs <= c_runs + 1'b1;
                    caddr_q <= 24'h000002; ret_q <= S_RES0; st_q <= S_CR;
                end
            end
            S_RES0: begin // NUM_LAYERS -> CFG of the last layer
                nl_q <= word_q[3:0] - 1'b1;
                caddr_q <= {4'd1, 12'd0, word_q[3:0] - 4'd1, 4'd0}; ret_q <= S_RES1; st_q <= S_CR;
            end
            S_RES1: begin
                caddr_q <= {4'd1, 12'd0, nl_q, 4'd1}; ret_q <= S_RES2; st_q <= S_CR;
            end
            S_RES2: begin
                nout_q <= word_q[15:0];
                if (word_q > (MAXBODY - 12) / 4) begin err_q <= 8'd7; st_q <= S_ERR; end else
                caddr_q <= {4'd1, 12'd0, nl_q, 4'd7}; ret_q <= S_RES3; st_q <= S_CR;
            end
            S_RES3: begin
                sbase_q <= word_q[15:0];
                i_q <= 16'd0;
                caddr_q <= {4'd3, word_q[17:0], 2'd3}; ret_q <= S_RES4; st_q <= S_CR;
            end
            S_RES4: begin // one STAT word: into the answer, argmax (smallest index of the max)
                if (i_q == 0 || $signed(word_q) > best_q) begin best_q <= word_q; pred_q <= i_q; end
                put_q <= word_q; put_n_q <= 3'd4; put_a_q <= 16 + {i_q[AW-3:0], 2'b00};
                i_q <= i_q + 1'b1;
                caddr_q <= {4'd3, 2'd0, sbase_q + i_q + 16'd1, 2'd3};
                ret_q <= S_RES4;
                ret2_q <= (i_q + 1'b1 == nout_q) ? S_HEAD : S_CR;
                head_q <= 2'd0;
                st_q <= S_PUT;
            end
            S_HEAD: begin // prediction, input spikes, clocks, n at bytes 4..15
                head_q <= head_q + 1'b1;
                ret2_q <= (head_q == 2'd3) ? S_FIN : S_HEAD;
                fin_len_q <= 16'd12 + {nout_q[13:0], 2'b00};
                st_q <= S_PUT;
                case (head_q)
                    2'd0: begin put_q <= {16'd0, pred_q}; put_n_q <= 3'd2; put_a_q <= 4; end
                    2'd1: begin put_q <= mode_q ? 32'hFFFF_FFFF : spikes_q; put_n_q <= 3'd4; put_a_q <= 6; end
                    2'd2: begin put_q <= clocks_q; put_n_q <= 3'd4; put_a_q <= 10; end
                    default: begin put_q <= {16'd0, nout_q}; put_n_q <= 3'd2; put_a_q <= 14; end
                endcase
            end
            // finish: header bytes 0..3, then send; the answer stays cached at base 0
            S_FIN: begin
                tx_we_o <= 1'b1; tx_waddr_o <= {{(AW-2){1'b0}}, fi_q};
                case (fi_q)
                    2'd0: tx_wdata_o <= fin_type_q;
                    2'd1: tx_wdata_o <= seq_i;
                    2'd2: tx_wdata_o <= fin_len_q[7:0];
                    default: tx_wdata_o <= fin_len_q[15:8];
                endcase
                fi_q <= fi_q + 1'b1;
                if (fi_q == 2'd3) st_q <= S_SEND;
            end
            S_SEND: begin
                tx_start_o <= 1'b1; tx_base_o <= 0; tx_len_o <= 4 + fin_len_q[AW-1:0]; tx_crc_o <= 1'b1;
                cache_len_m[sidx] <= 4 + fin_len_q[AW-1:0];
                cache_seq_m[sidx] <= seq_i;
                frame_ack_o <= 1'b1;
                if (fin_consume_q) begin
                    cache_v_q[sidx] <= 1'b1; expect_q <= expect_q + 1'b1;
                end else begin
                    cache_v_q[sidx] <= 1'b0; // the slot no longer holds a cached answer
                end
                st_q <= S_ACKWAIT;
            end
            default: st_q <= S_IDLE;
            endcase

        end
    end
endmodule
