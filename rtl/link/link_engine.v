`default_nettype none
// link_engine: the device side of docs/protocol.md on top of lif_core's host port and run
// control (docs/rtl.md). It executes checked frames one at a time in sequence order (the
// receiver buffers up to 2^WSH, the window), keeps the last 2^WSH answers in per-slot answer
// buffers so a duplicate is answered again without executing twice, and answers NAK with the
// expected sequence number to damaged or out-of-order frames. Spaces: 6 (input, staged in the
// engine's input RAM), 8 (trace: the readout V after every step of the last RUN with TRACE,
// in aux RAM words 8 .. 2^TAW - 1), 10 (the core's 32-bit host port, word addressed; the host
// computes the layout) and 11 (intensities, one byte per input, straight into the core's
// intensity RAM). RUN reads the last layer's parameters, checks the answer and the trace fit,
// copies staged intensities into the core (when input_len > 0) or streams spike events into
// ev_*, waits for done_o (counting clocks and the core's input spike pulses, recording the
// readout V from the update stream), then reads the last layer's STAT words (max V or spike
// counts) and answers the summary with its argmax.
// Area (UP5K): the datapath is byte serial: one tx address counter, one rx address counter,
// one remaining-count down counter, one 32-bit word shift register for every core transfer;
// answers are emitted by small per-state byte tables; INFO is copied from the rx buffer's
// block RAM init. STATUS counters are 16-bit saturating, in aux RAM words 0..7, updated one at
// a time. Timing: a frame's checks and decisions are registered over five clocks (S_PREPA,
// S_PREP0, S_PREP1, S_PREP, S_PREP2: sums, compares, p_* decisions, d_* outcome), so S_DISP
// only copies registers. The state is one-hot (st_q[I_X]: no state decode) and its next value
// is written out bit by bit (st_nx, no clock enable): a bit is set by the transitions into it
// (returns from one-hot return registers) and kept while its own exit condition is false, so a
// state flop depends only on the transitions into and out of it. The registers with many
// writers (the loop counters n_q, ptr_q, eleft_q, i_q, tw_q, the addresses
// rx_raddr_o, ta_q, caddr_q, the core word word_q) has its own block: its clock enable and
// its data are sums of products of state bits, with no transition condition in them and no
// priority chain (a load a state does not need is made anyway when it is harmless: S_TCHK
// always counts down, every S_PRE loads the step count). The loop ends and the table
// answers' last bytes the states test are registered a clock ahead (n1_q, n0_q, p0_q,
// klast_q, tln_q/tlx_q/tlf_q: one per successor state, hs_q/hd_q: the summary head two
// bytes ahead, the event feeder's elz_q, ecnt1_q, el1_q), and the answer byte is a flat sum
// of products (HELLO's version byte is set into rx_q, STATUS's byte shifted into word_q), so
// that no flip-flop input of the engine is more than 3 LUT4 levels deep (iCE40 synthesis of
// the link alone, rtl/link/fmax: keep it so; wider logic goes into a registered partial
// result). In a whole design ABC maps every path up to the deepest one it has anywhere (its
// area recovery), so the engine stays at 3 there only if the rest of the design does.
// Invariants: exactly one st_q bit is set; a frame is executed at most once (S_SEND consumes
// it); the aux RAM's read port belongs to the engine only between S_AUXW and S_SEND, its write
// port to the trace only while trace_run_q; i_q is 0 when a table state starts; a test
// registered a clock ahead is read only where its operands have been stable for a clock.
// Every block RAM's read data (rx buffer, input RAM, aux RAM) goes into a register (rx_q,
// in_q, aux_q) before any logic: ECP5 block RAM outputs are slow (5.6-5.8 ns clock to out), so
// a byte read in clock t is used in clock t + 2 (the *_RD, *_W states). Loop ends and
// argument checks come from registered compares whose operands are stable a clock before.
// Samples are checked by the host (sim.Sample.Check); a malformed event list cannot wedge the
// engine (every step still ends with an end-of-step beat). Every core access follows the
// req/gnt/rvalid handshake (no fixed latency is assumed).
module link_engine #(
    parameter integer AW         = 9,          // log2 rx/tx buffer bytes of one slot
    parameter integer MAXBODY    = 256,        // largest body, <= 2^AW - 6 - 16
    parameter integer WSH        = 0,          // log2 window: frames in flight, answers cached
    parameter integer WI         = 1,          // max(WSH, 1)
    parameter integer IAW        = 11,         // log2 input RAM bytes (INPUT_MEM = 2^IAW)
    parameter integer TAW        = 8,          // log2 aux RAM words, 4..16 (counters, trace)
    parameter integer SMAX       = 16,
    parameter integer NEUR_AW    = 9,
    parameter integer IN_AW      = 10,
    parameter integer INFO_N     = 111,        // bytes of the INFO answer ...
    parameter integer INFO_AT    = 384         // ... held in every rx slot at this offset (link_host)
) (
    input  wire          clk_i,
    input  wire          rst_i,
    // received frame
    input  wire          frame_valid_i,
    input  wire [7:0]    type_i,
    input  wire [7:0]    seq_i,
    /* verilator lint_off UNUSEDSIGNAL */ // accepted frames are at most MAXBODY < 2^AW bytes
    input  wire [15:0]   body_len_i,
    /* verilator lint_on UNUSEDSIGNAL */
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
    input  wire          tx_busy_i,
    output reg           tx_we_o,
    output reg  [AW-1:0] tx_waddr_o,
    output reg  [7:0]    tx_wdata_o,
    // lif_core host port and run control
    output wire          host_req_o,
    output wire          host_we_o,
    output wire [23:0]   host_addr_o,
    output wire [31:0]   host_wdata_o,
    input  wire          host_gnt_i,
    input  wire          host_rvalid_i,
    input  wire [31:0]   host_rdata_i,
    output reg           run_start_o,
    output wire [31:0]   run_steps_o,
    output wire          run_mode_o,
    output reg           run_clear_o,
    input  wire          done_i,
    input  wire          in_spike_i,      // one pulse per input spike (lif_core in_spike_o)
    input  wire          upd_valid_i,     // lif_core update stream (readout V for the trace)
    input  wire [3:0]    upd_layer_i,
    /* verilator lint_off UNUSEDSIGNAL */ // V is sign-extended from SMAX bits
    input  wire [31:0]   upd_v_i,
    /* verilator lint_on UNUSEDSIGNAL */
    output wire          ev_valid_o,
    input  wire          ev_ready_i,
    output wire          ev_eos_o,
    output wire [15:0]   ev_index_o
);
    localparam integer INPUT_MEM = 1 << IAW;
    localparam integer TA = TAW;
    localparam integer TW = (1 << TAW) - 8;            // trace words: aux RAM words 8..
    localparam integer DW = (SMAX > 16) ? SMAX : 16;   // aux RAM width
    localparam integer MAXOUT = (MAXBODY - 12) / 4;     // outputs one RUN answer holds
    localparam integer CW = (SMAX > 16) ? SMAX : 17;    // argmax compare width (max V or count)
    localparam [AW-1:0] NAK_BASE = (1 << AW) - 16;
    generate
        if (MAXBODY + 6 > (1 << AW) - 16) begin : g_bad_max
            link_engine_bad_MAXBODY u_error ();
        end
        if (TAW < 4 || TAW > 16) begin : g_bad_taw
            link_engine_bad_TAW u_error ();
        end
    endgenerate

    localparam integer W = 1 << WSH;

    // ------------------------------------------------------------ state
    // one-hot state: st_q[I_X] is state S_X (one flop per state: no state decode)
    localparam integer NS = 49;
    localparam integer I_IDLE = 0;
    localparam integer I_NAK = 1;
    localparam integer I_NAKS = 2;
    localparam integer I_HDR_RD = 3;
    localparam integer I_HDR = 4;
    localparam integer I_DISP = 5;
    localparam integer I_ERR = 6;
    localparam integer I_FIN = 7;
    localparam integer I_SEND = 8;
    localparam integer I_ACKW = 9;
    localparam integer I_HELLO = 10;
    localparam integer I_INFO = 11;
    localparam integer I_STATUS = 12;
    localparam integer I_PUT = 13;
    localparam integer I_CR = 14;
    localparam integer I_CRW = 15;
    localparam integer I_CW = 16;
    localparam integer I_WR_RD = 17;
    localparam integer I_WR = 18;
    localparam integer I_RIN_RD = 19;
    localparam integer I_RIN = 20;
    localparam integer I_RC = 21;
    localparam integer I_TR = 22;
    localparam integer I_RUN = 23;
    localparam integer I_PRE = 24;
    localparam integer I_TCHK = 25;
    localparam integer I_INT_RD = 26;
    localparam integer I_INT = 27;
    localparam integer I_GO = 28;
    localparam integer I_WAIT = 29;
    localparam integer I_RES = 30;
    localparam integer I_HEAD = 31;
    localparam integer I_TRD = 32;
    localparam integer I_INFO_RD = 33;
    localparam integer I_PREP = 34;
    localparam integer I_PREP0 = 35;
    localparam integer I_PREP1 = 36;
    localparam integer I_RES0 = 37;
    localparam integer I_TRQ = 38;
    localparam integer I_RIN_W = 39;
    localparam integer I_INT_W = 40;
    localparam integer I_ACKW2 = 41;
    localparam integer I_HDR_W = 42;
    localparam integer I_INFO_W = 43;
    localparam integer I_WR_W = 44;
    localparam integer I_TCHKW = 45;
    localparam integer I_AUXW = 46;
    localparam integer I_PREP2 = 47;
    localparam integer I_PREPA = 48;
    // the one-hot constants used as values (reset, return and decision registers); transitions
    // name state bits (st_q[I_X])
    localparam [NS-1:0] S_IDLE = {{(NS-1){1'b0}}, 1'b1} << I_IDLE;
    localparam [NS-1:0] S_ERR = {{(NS-1){1'b0}}, 1'b1} << I_ERR;
    localparam [NS-1:0] S_FIN = {{(NS-1){1'b0}}, 1'b1} << I_FIN;
    localparam [NS-1:0] S_ACKW = {{(NS-1){1'b0}}, 1'b1} << I_ACKW;
    localparam [NS-1:0] S_STATUS = {{(NS-1){1'b0}}, 1'b1} << I_STATUS;
    localparam [NS-1:0] S_PUT = {{(NS-1){1'b0}}, 1'b1} << I_PUT;
    localparam [NS-1:0] S_CR = {{(NS-1){1'b0}}, 1'b1} << I_CR;
    localparam [NS-1:0] S_WR_RD = {{(NS-1){1'b0}}, 1'b1} << I_WR_RD;
    localparam [NS-1:0] S_RIN_RD = {{(NS-1){1'b0}}, 1'b1} << I_RIN_RD;
    localparam [NS-1:0] S_RC = {{(NS-1){1'b0}}, 1'b1} << I_RC;
    localparam [NS-1:0] S_TR = {{(NS-1){1'b0}}, 1'b1} << I_TR;
    localparam [NS-1:0] S_RUN = {{(NS-1){1'b0}}, 1'b1} << I_RUN;
    localparam [NS-1:0] S_PRE = {{(NS-1){1'b0}}, 1'b1} << I_PRE;
    localparam [NS-1:0] S_INT_RD = {{(NS-1){1'b0}}, 1'b1} << I_INT_RD;
    localparam [NS-1:0] S_GO = {{(NS-1){1'b0}}, 1'b1} << I_GO;
    localparam [NS-1:0] S_HEAD = {{(NS-1){1'b0}}, 1'b1} << I_HEAD;
    localparam [NS-1:0] S_INFO_RD = {{(NS-1){1'b0}}, 1'b1} << I_INFO_RD;
    localparam [NS-1:0] S_RES0 = {{(NS-1){1'b0}}, 1'b1} << I_RES0;
    localparam [NS-1:0] S_AUXW = {{(NS-1){1'b0}}, 1'b1} << I_AUXW;
    reg [NS-1:0] st_q, ret_q, ret2_q;

    reg        synced_q, clear_pend_q, loaded_q;
    localparam integer WM = W - 1;
    localparam [WI-1:0] WMASK = WM[WI-1:0];
    reg [(1<<WI)-1:0] cache_v_q;                 // answer cache: valid, seq, length per slot
    reg [7:0]    cache_seq_m [0:(1<<WI)-1];
    reg [AW-1:0] cache_len_m [0:(1<<WI)-1];
    wire [WI-1:0] sidx = seq_i[WI-1:0] & WMASK;  // this frame's slot
    wire [(1<<WI)-1:0] slot1h;                   // ... one-hot (no shifter: cache_v_q[sidx] <= is one)
    genvar sk;
    generate
        for (sk = 0; sk < (1 << WI); sk = sk + 1) begin : g_slot
            assign slot1h[sk] = (sidx == sk);
        end
    endgenerate
    reg [7:0]  expect_q;
    // A duplicate (1 <= expect - seq <= W, mod 256) is a frame whose slot holds a valid cached
    // answer to this very seq: every consumed frame writes its slot (seq mod W) in S_SEND, so a
    // valid slot holds one of the last W consumed seqs (HELLO empties the cache, an unconsumed
    // answer invalidates its slot), and the current one (seq == expect) never is in the cache;
    // S_DISP tests seq == expect first. No subtraction is needed.
    wire       dup = cache_v_q[sidx] && cache_seq_m[sidx] == seq_i;
    reg        nak_pend_q;
    reg [1:0]  nak_reason_q;
    // STATUS counters: u32 on the wire, 16-bit saturating here (docs/protocol.md), kept in aux
    // RAM words 0..7 (frames_ok, crc_errors, overruns, uart_errors, bad_commands, naks,
    // duplicates, runs). An event sets its pending bit; the updater adds pending events one at a
    // time (read, add, write) whenever the RAM ports are free.
    reg  [7:0] pend_q;
    reg  [7:0] ev;         // this clock's counter events
    reg  [2:0] u_q;        // updater: 0 idle, 1 read, 2 read data, 3 write; 4 clearing after reset
    reg  [2:0] uk_q;       // the counter being updated
    reg        stat_q;     // the aux read loop serves STATUS (not a trace READ)
    reg        aux_own_q;  // the engine owns the aux RAM's read port (S_AUXW .. S_SEND)
    reg        trace_run_q; // a TRACE run is on: the trace owns the aux RAM's write port
    wire [7:0] pend_nx = (pend_q & ~((u_q == 3'd3 && !trace_run_q) ? (8'd1 << uk_q) : 8'd0)) | ev;
    reg        up_go_q;    // the updater starts (registered: events pending, read port free)

    reg [71:0] hdr_q;      // body bytes 0..8
    reg [6:0]  i_q;        // byte index of table answers
    localparam integer NW = ((AW > IAW) ? AW : IAW) + 1;
    localparam [NW-1:0] N0 = 0, N1 = 1;
    // what is left of a loop, counted down by one: bytes (WRITE, READ of the input RAM, staged
    // intensities), 32-bit words (READ of the core or the trace, STATUS) or 16-bit event words
    reg [NW-1:0] n_q;
    reg [AW-1:0] ta_q;     // answer write address
    reg [7:0]  fin_type_q;
    reg [AW-1:0] fin_len_q;
    reg        fin_consume_q;
    reg [3:0]  err_q;
    reg [31:0] word_q;     // core word: gathered LSB first, or read and sent LSB first
    reg [1:0]  p_q;        // bytes of word_q still to put, minus one
    // S_PUT's last byte (p_q == 0), registered: every S_PUT starts at p_q == 3 (S_RC, S_TR,
    // S_RES) and counts down by one per clock, so it is the clock after p_q == 1 in S_PUT
    reg p0_q;
    always @(posedge clk_i) p0_q <= st_q[I_PUT] && p_q == 2'd1;
    reg [23:0] caddr_q;    // core address
    reg [1:0]  wkind_q;    // WRITE kind: 0 input RAM, 1 intensity byte, 2 core word
    // run
    reg [31:0] clocks_q;
    reg [IN_AW+15:0] spikes_q;
    // registered compares (their operands are stable for at least a clock where they are used)
    reg         eleft_zero_q, inlen_nz_q;
    reg [3:0]  nl_q;
    reg [1:0]  pre_q;
    reg        readout_q, out_big_q;
    always @(posedge clk_i) out_big_q <= word_q[31:7] != 0 || word_q[6:0] > MAXOUT[6:0];
    reg [6:0]  nout_q, k_q, pred_q;      // outputs: at most MAXOUT < 128
    // S_RES's last output, registered: S_RES counts nout_q down (S_PRE loads it, S_TCHK and
    // S_WAIT use it before the outputs; the head's n is k_q, which counts the outputs up from
    // 0), so the last output is the one S_RES finds at nout_q == 1. nout_q changes at least
    // three clocks before the next S_RES (S_CR, S_CRW, S_RES0).
    reg        klast_q;
    always @(posedge clk_i) klast_q <= nout_q == 7'd1;
    reg [IN_AW-1:0] evi_q;
    assign ev_index_o = {{(16-IN_AW){1'b0}}, evi_q};
    /* verilator lint_off UNUSEDSIGNAL */ // indices are below 2^IN_AW (the host checks them)
    wire [15:0] ev16 = {in_q, elo_q};
    wire [15:0] evi_ram = {in_rdata, eli_q};
    /* verilator lint_on UNUSEDSIGNAL */
    reg [NEUR_AW-1:0] sbase_q;
    // the best so far is kept as nbest_q = ~(best ^ MSB): signed a > b is (a ^ MSB) > (b ^ MSB)
    // unsigned, which is the carry out of (a ^ MSB) + ~(b ^ MSB): a carry chain of two registers
    localparam [CW-1:0] MSB = {1'b1, {(CW-1){1'b0}}};
    reg  [CW-1:0] nbest_q;
    wire [CW:0]   gt_sum = {1'b0, word_q[CW-1:0] ^ MSB} + {1'b0, nbest_q};
    reg        gt_q;       // word_q > best, registered (S_RES0 lets it settle)
    always @(posedge clk_i) gt_q <= gt_sum[CW];
    localparam integer RW = (TA + 2 > 8) ? TA + 2 : 8;  // trace fit remainder (outputs < 2^7)
    reg [RW-1:0] rem_q;
    reg [TA:0] tw_q;       // next trace word address (8 .. 2^TAW)
    wire [31:0] spikes32 = {{(16-IN_AW){1'b0}}, spikes_q};

    wire [7:0]  space  = hdr_q[7:0];
    // RUN's arguments are read from the header where they arrived (hdr_q holds until the next
    // frame, which the engine takes only after this RUN's answer): steps u32, flags u8,
    // input_len u32 (only the low 16 and IAW + 1 bits pass the checks of S_RUN)
    wire [15:0] a_steps = hdr_q[15:0];
    wire        a_mode  = hdr_q[32];
    wire        a_keep  = hdr_q[33];
    wire [IAW:0] a_inlen = hdr_q[40+IAW:40];
    wire [31:0] addr32 = hdr_q[47:16];
    wire [15:0] rcount = hdr_q[63:48];
    wire [AW-1:0] blen = body_len_i[AW-1:0];  // frames are at most MAXBODY < 2^AW
    localparam [AW-1:0] B0 = 0, B6 = 6, B8 = 8, B9 = 9;
    // a WRITE's data bytes, registered (the body length is stable from S_IDLE on; the range sum
    // in_end uses it from S_PREP0 on)
    reg  [AW-1:0] wcount;
    always @(posedge clk_i) wcount <= blen - B6;

    // the rx buffer's read data, registered before any logic (ECP5 block RAM outputs are
    // slow): the byte at rx_raddr_o in clock t is in rx_q in clock t + 2 (the *_RD, *_W states)
    reg [7:0] rx_q;
    // (HELLO's first answer byte, the version 1, is put into rx_q by a synchronous set/reset:
    // S_HELLO then sends rx_q only, as S_INFO)
    always @(posedge clk_i) rx_q <= (st_q[I_INFO_W] && p_hello) ? 8'd1 : rx_rdata_i;
    // The header loop reads body bytes 0..8 whatever the body's length (bytes past the body are
    // never looked at: every check that uses a header byte needs the body to hold it), so it
    // ends at i_q == 8 (i_q[3]: i_q counts up from 0 in S_HDR) and no length compare is behind it.
    // header bytes: rx byte i_q into hdr_q byte i_q in S_HDR
    genvar hb;
    generate
        for (hb = 0; hb < 9; hb = hb + 1) begin : g_hdr
            always @(posedge clk_i) if (st_q[I_HDR] && i_q[3:0] == hb) hdr_q[8*hb +: 8] <= rx_q;
        end
    endgenerate

    // input RAM (event staging)
    // one RAM pointer for the input RAM (write and read: never both in one command) and the
    // engine's aux RAM reads (trace READ, STATUS)
    localparam integer PW = (IAW > TA) ? IAW : TA;
    reg  [PW-1:0]  ptr_q;
    wire [IAW-1:0] in_ra_q = ptr_q[IAW-1:0];
    wire [TA-1:0]  tr_ra_q = ptr_q[TA-1:0];
    wire           in_we = (st_q[I_WR]) && (wkind_q == 2'd0);
    wire [7:0]     in_rdata;
    link_ram #(.AW(IAW)) u_in (.clk_i(clk_i), .we_i(in_we), .waddr_i(in_ra_q), .wdata_i(rx_q),
                               .raddr_i(in_ra_q), .rdata_o(in_rdata));
    // registered before any logic: the byte read in clock t is in in_q in clock t + 2
    reg  [7:0]     in_q;
    always @(posedge clk_i) in_q <= in_rdata;

    // trace RAM: SMAX-bit readout V, [t][c]
    /* verilator lint_off UNUSEDSIGNAL */ // unused without a trace RAM (TAW = 0)
    // trace: the last layer's V after every step, in update order ([t][c])
    wire         tr_we = trace_run_q && upd_valid_i && upd_layer_i == nl_q && !tw_q[TA];
    // aux RAM: counters (updater) and trace (update stream) share the write port: the updater
    // does not write during a TRACE run (trace_run_q, a register: no core input reaches a flop
    // enable). The engine's reads (STATUS, trace READ) own the read port from S_AUXW to S_SEND
    // (aux_own_q); the updater starts no update then, and S_AUXW waits until it is idle.
    // STATUS waits in S_AUXW until every counter event so far is counted (registered: a clock
    // late, so this clock's events count too)
    reg          busy_cnt_q;
    wire         up_we = (u_q == 3'd3 && !trace_run_q) || u_q == 3'd4;
    wire [DW-1:0] aux_rdata;
    // the aux RAM's read data is registered before any logic (ECP5 block RAM outputs are slow):
    // a word read in clock t is in aux_q in clock t + 2
    // (all ones while the counters are cleared after reset: the increment then wraps to 0)
    reg  [DW-1:0] aux_q;
    always @(posedge clk_i)
        if (rst_i || u_q == 3'd4) aux_q <= {DW{1'b1}};
        else aux_q <= aux_rdata;
    wire [15:0]  cnt_now = aux_q[15:0];
    // saturating increment: the carry out of 0xFFFF + 1 keeps 0xFFFF, except when clearing
    wire [16:0]  cnt_inc = {1'b0, cnt_now} + 17'd1;
    wire         cnt_sat = cnt_inc[16] && u_q != 3'd4;
    wire [15:0]  cnt_next = cnt_inc[15:0] | {16{cnt_sat}};
    link_ram #(.AW(TAW), .DW(DW)) u_aux (.clk_i(clk_i), .we_i(tr_we | up_we),
        .waddr_i(trace_run_q ? tw_q[TA-1:0] : {{(TA-3){1'b0}}, uk_q}),   // (the two writers never
        .wdata_i(trace_run_q ? {{(DW-SMAX){upd_v_i[SMAX-1]}}, upd_v_i[SMAX-1:0]} // overlap: a register
                             : {{(DW-16){1'b0}}, cnt_next}),                    // selects)
        .raddr_i(aux_own_q ? tr_ra_q : {{(TA-3){1'b0}}, uk_q}), .rdata_o(aux_rdata));
    wire [SMAX-1:0] tr_rdata = aux_q[SMAX-1:0];
    /* verilator lint_on UNUSEDSIGNAL */

    // event feeder
    localparam [3:0] E_OFF = 4'd0, E_CA = 4'd1, E_CB = 4'd2, E_CC = 4'd3,
                     E_IA = 4'd4, E_IB = 4'd5, E_IC = 4'd6, E_BEAT = 4'd7, E_EOS = 4'd8,
                     E_CD = 4'd9;
    reg [3:0]  e_q;
    reg [IN_AW:0] ecnt_q;  // events left in this step (a count is at most N_0)
    reg [15:0] eleft_q;    // steps left to feed (S_TCHK: steps left to check)
    always @(posedge clk_i) begin
        eleft_zero_q <= eleft_q == 16'd0;
        inlen_nz_q <= a_inlen != 0;
    end
    reg [7:0]  elo_q;      // a step count's low byte (from in_q)
    reg [7:0]  eli_q;      // an event index's low byte (from the RAM: no multiplexer behind it)
    assign ev_valid_o = (e_q == E_BEAT) || (e_q == E_EOS);
    assign ev_eos_o   = (e_q == E_EOS);
    // the feeder's tests, registered: elo_q == 0 (in_q in E_CC is the count's low byte, in E_CD
    // the high byte), ecnt_q == 1 (E_BEAT comes three clocks after E_CD or the previous E_BEAT)
    // and eleft_q == 1 (E_EOS comes at least two clocks after eleft_q changed: every E_EOS goes
    // on to E_CA, which goes back to E_EOS when no 16-bit word is left)
    reg elz_q, ecnt1_q, el1_q;
    always @(posedge clk_i) begin
        elz_q <= in_q == 8'd0;
        ecnt1_q <= ecnt_q == 1;
        el1_q <= eleft_q == 16'd1;
    end

    // The loop counters, each in its own block (its loads and steps are sums of state bits):
    // n_q: S_DISP loads the command's count, S_TCHK a RUN's staged bytes (intensities) or 16-bit
    // event words; every loop step and every event word fed counts it down.
    wire n_dec = st_q[I_WR] || st_q[I_RIN] || st_q[I_RC] || st_q[I_TR] || st_q[I_INT_RD] ||
                 e_q == E_CD || e_q == E_IC;
    always @(posedge clk_i)
        if (st_q[I_DISP]) n_q <= p_n;
        else if (st_q[I_TCHK]) n_q <= {{(NW-IAW-1){1'b0}}, a_mode ? a_inlen : {1'b0, a_inlen[IAW:1]}};
        else if (n_dec) n_q <= n_q - 1'b1;
    // ptr_q: S_DISP loads the command's first address, S_TCHK and S_GO zero; every RAM byte or
    // word read or written steps it
    wire p_inc = (st_q[I_WR] && wkind_q == 2'd0) || st_q[I_RIN_RD] || st_q[I_TRD] || st_q[I_INT_RD] ||
                 (e_q == E_CA && !n0_q) || e_q == E_CB || e_q == E_IA || e_q == E_IB;
    always @(posedge clk_i)
        if (st_q[I_DISP]) ptr_q <= p_status ? {PW{1'b0}} : (p_trace ? tr_base_pw : addr32[PW-1:0]);
        else if (st_q[I_TCHK] || st_q[I_GO]) ptr_q <= {PW{1'b0}};
        else if (p_inc) ptr_q <= ptr_q + 1'b1;
    // eleft_q: every S_PRE and S_GO load the step count; S_TCHK and the feeder's end-of-step
    // beats count it down
    always @(posedge clk_i)
        if (st_q[I_PRE] || st_q[I_GO]) eleft_q <= a_steps;
        else if (st_q[I_TCHK] || (e_q == E_EOS && ev_ready_i)) eleft_q <= eleft_q - 1'b1;
    // tw_q: the next trace word; S_GO starts it at word 8
    always @(posedge clk_i)
        if (rst_i || st_q[I_GO]) tw_q <= 8;
        else if (tr_we) tw_q <= tw_q + 1'b1;
    // i_q: the header loop's and the table answers' byte index, from 0 (S_IDLE, S_DISP, S_ERR
    // and every table answer's last byte: the next table state starts at 0)
    always @(posedge clk_i)
        if (st_q[I_IDLE] || st_q[I_DISP] || st_q[I_ERR] || tab_last) i_q <= 7'd0;
        else if (st_q[I_HDR] || tab_st) i_q <= i_q + 1'b1;

    // the rx buffer read address and the answer write address, each in its own block with a
    // short priority chain of state bits (timing: no transition condition reaches them); each
    // steps only in the states that use it (S_FIN writes at i_q, S_STATUS's byte is its last)
    wire tab_st = st_q[I_NAK] | st_q[I_FIN] | st_q[I_HELLO] | st_q[I_INFO] | st_q[I_STATUS] | st_q[I_HEAD];
    always @(posedge clk_i) begin
        if (st_q[I_IDLE]) rx_raddr_o <= 4;          // the header's first body byte
        else if (st_q[I_DISP]) rx_raddr_o <= p_rxa;
        else if (st_q[I_INFO_RD] | st_q[I_INFO_W] | st_q[I_HDR] | st_q[I_HELLO] | st_q[I_INFO] | st_q[I_WR])
            rx_raddr_o <= rx_raddr_o + 1'b1;        // HELLO, INFO: the next INFO/nonce byte
        if (st_q[I_IDLE]) ta_q <= NAK_BASE;
        else if (st_q[I_DISP] | (p0_q && ret2_q[I_HEAD])) ta_q <= 4; // (RUN: the head after the outputs)
        else if (st_q[I_WAIT]) ta_q <= 16;          // RUN: the outputs after the summary head
        else if (st_q[I_NAK] | st_q[I_HELLO] | st_q[I_INFO] | st_q[I_HEAD] | st_q[I_PUT] | st_q[I_RIN])
            ta_q <= ta_q + 1'b1;
    end

    // the core word: one enable, a sum of products of state bits and sources. S_CRW takes the
    // read data; S_WR a WRITE's intensity byte (kind 1) or the next byte of a core word (kind 2,
    // shifted in at the top, LSB first); S_PUT shifts the sent byte out (loaded_q in at the top:
    // after the last counter's four bytes it is STATUS's byte); S_TRQ takes the aux RAM word
    // (a counter, or a trace V sign-extended: the low 16 bits are aux_q's either way); S_INT an
    // intensity byte
    wire w_rd  = st_q[I_CRW] && host_rvalid_i;
    wire w_sh  = st_q[I_PUT] || (st_q[I_WR] && wkind_q[1]);
    wire w_b0  = (st_q[I_WR] && wkind_q == 2'd1) || st_q[I_INT];
    // (with SMAX >= 16 the two low halves are the same bits: no multiplexer there)
    wire [31:0] w_aux = stat_q ? {16'd0, cnt_now} : {{(32-SMAX){tr_rdata[SMAX-1]}}, tr_rdata};
    always @(posedge clk_i)
        if (w_rd || w_sh || w_b0 || st_q[I_TRQ])
            word_q <= ({32{w_rd}} & host_rdata_i) | ({32{st_q[I_TRQ]}} & w_aux) |
                      ({32{w_sh}} & {st_q[I_PUT] ? {7'd0, loaded_q} : rx_q, word_q[31:8]}) |
                      ({32{w_b0}} & {24'd0, st_q[I_INT] ? in_q : rx_q});

    // the core address, in its own block: one adder and one load, each a sum of products of
    // state bits (no priority chain). Every core access adds one; S_PRE after SIZE adds five
    // (word 2 -> STATE_BASE, word 7) and S_RES three (the next neuron's STAT word: the read of
    // the last one left the low bits at 0), so no load keeps part of the address. S_DISP loads
    // the command's, S_RUN NUM_LAYERS's, S_PRE after NUM_LAYERS the last layer's CFG (rdm1_q),
    // S_TCHK intensity word 0 and S_WAIT the first STAT word (every clock: no access in S_WAIT).
    // S_PRE's NUM_LAYERS - 1 is registered from the read data in the clock it arrives (S_PRE
    // follows the read's rvalid): no subtraction behind the address.
    reg [3:0] rdm1_q;
    always @(posedge clk_i) rdm1_q <= host_rdata_i[3:0] - 4'd1;
    wire cadd = (st_q[I_CRW] && host_rvalid_i) || (st_q[I_CW] && host_gnt_i) || st_q[I_RES] ||
                (st_q[I_PRE] && pre_q == 2'd2);
    wire cld  = st_q[I_DISP] || st_q[I_RUN] || st_q[I_TCHK] || (st_q[I_PRE] && pre_q == 2'd0) ||
                st_q[I_WAIT];
    wire [23:0] cld_v = ({24{st_q[I_DISP]}} & (sp11 ? {4'd4, 4'd0, addr32[15:0]} : addr32[23:0])) |
                        ({24{st_q[I_RUN]}} & 24'h000002) | ({24{st_q[I_TCHK]}} & {4'd4, 20'd0}) |
                        ({24{st_q[I_PRE]}} & {4'd1, 12'd0, rdm1_q, 4'd0}) |
                        ({24{st_q[I_WAIT]}} & {4'd3, {(18-NEUR_AW){1'b0}}, sbase_q, 2'd3});
    always @(posedge clk_i)
        if (cadd) caddr_q <= caddr_q + {21'd0, st_q[I_PRE], st_q[I_RES], 1'b1};
        else if (cld) caddr_q <= cld_v;
    // S_WR goes to the core write: every intensity byte (kind 1), a core word's fourth byte (kind 2)
    wire wr_cw = (wkind_q == 2'd1) || (wkind_q[1] && n_q[1:0] == 2'd1);
    // n_q == 1, registered (S_WR and S_RIN come at least two clocks after n_q last changed)
    // n_q == 1 and n_q == 0, registered: S_WR, S_RIN, S_TR and S_INT come at least two clocks after
    // n_q last changed, and so do the event feeder's E_CA (after E_EOS, S_GO) and E_EOS
    reg n1_q, n0_q;
    always @(posedge clk_i) begin
        n1_q <= n_q == N1;
        n0_q <= n_q == N0;
    end

    // core port
    assign host_req_o   = (st_q[I_CR]) || (st_q[I_CW]);
    assign host_we_o    = (st_q[I_CW]);
    assign host_addr_o  = caddr_q;
    assign host_wdata_o = word_q;
    assign run_steps_o  = {16'd0, a_steps};
    assign run_mode_o   = a_mode;

    // range checks of WRITE/READ (one adder each)
    // input RAM range of a WRITE (addr + blen - 6) and of a READ (addr + rcount): no type mux
    localparam integer EW = (AW > IAW ? AW : IAW) + 2;
    localparam [EW-1:0] R_LIMIT = INPUT_MEM[EW-1:0];
    reg  [EW-1:0] in_end;
    reg  is_wr_q, in_range, trp_q, tr_range, r_big, sp6, sp8, sp10, sp11, a16z;
    reg  bl6, bl8, bl9, bl_lt6, w_zero, w_word, r_zero, hello_v, run_steps_bad, run_inlen_big;
    always @(posedge clk_i) begin // the sums (S_PREP0), then the checks (S_PREP1), free running
        // one adder: a WRITE's data (blen - 6 bytes) or a READ's count past addr (a WRITE shorter
        // than 6 bytes is refused before the range matters)
        is_wr_q <= type_i == 8'h05; // the frame's type is stable long before S_PREP0
        in_end <= {{(EW-IAW){1'b0}}, addr32[IAW-1:0]} +
                  {{(EW-AW){1'b0}}, is_wr_q ? wcount : rcount[AW-1:0]};
        tr_base_q <= {{(TEW-TA){1'b0}}, addr32[TA+1:2]} + EIGHT_E; // (S_PREPA)
        tr_end <= tr_base_q + {{(TEW-8){1'b0}}, rcount[9:2]};
        in_range <= (addr32[31:IAW] == 0) && (in_end <= R_LIMIT);
        trp_q <= addr32[31:TA+2] == 0 && addr32[1:0] == 2'd0 && rcount[1:0] == 2'd0; // (S_PREPA)
        tr_range <= trp_q && !({{(TEW-TA-1){1'b0}}, tw_q} < tr_end); // (<: a carry chain only)
        r_big <= rcount[15:AW] != 0 || rcount[AW-1:0] > MAXBODY[AW-1:0];
        sp6 <= (space == 8'd6); sp8 <= (space == 8'd8); sp10 <= (space == 8'd10); sp11 <= (space == 8'd11);
        a16z <= (addr32[31:16] == 16'd0);
        bl6 <= (blen == B6); bl8 <= (blen == B8); bl9 <= (blen == B9); bl_lt6 <= (blen[AW-1:3] == 0) && !(blen[2] && blen[1]); // blen < 6
        w_zero <= (wcount == B0); w_word <= (wcount[1:0] == 2'd0); r_zero <= (rcount == 16'd0);
        hello_v <= hdr_q[7:1] == 7'd0 && hdr_q[15:8] != 8'd0; // min <= 1 <= max
        // RUN's argument checks (used in S_RUN, after S_PREP)
        run_steps_bad <= hdr_q[31:0] == 32'd0 || hdr_q[31:16] != 16'd0 || (hdr_q[34] && TAW == 0);
        run_inlen_big <= (hdr_q[71:41+IAW] != 0) || (hdr_q[40+IAW] && hdr_q[39+IAW:40] != 0);
    end
    // trace READ: whole words within the trace written (rcount <= MAXBODY is checked first)
    localparam integer TEW = (TA + 2 > 10) ? TA + 2 : 10;
    localparam [TEW-1:0] EIGHT_E = 8;
    reg  [TEW-1:0] tr_end;
    reg  [TEW-1:0] tr_base_q; // aux RAM word of a trace READ's first word: 8 + addr / 4
    /* verilator lint_off UNUSEDSIGNAL */ // a trace address has TA bits (addr < 2^(TA+2) when in range)
    wire [PW+TEW-1:0] tr_base_x = {{PW{1'b0}}, tr_base_q};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [PW-1:0] tr_base_pw = {{(PW-TA){1'b0}}, tr_base_x[TA-1:0]};
    // RUN: input_len > INPUT_MEM, without a 32-bit comparator
    wire [RW-1:0] rem_next = rem_q - {{(RW-7){1'b0}}, nout_q};

    // the summary head (prediction u16, input spikes u32, clocks u32, n u16) two bytes ahead:
    // i_q is 0 when S_HEAD is entered (S_DISP cleared it, no RUN state before S_HEAD touches
    // it) and counts up by one per clock in S_HEAD, so hd_q is byte 0 outside S_HEAD and byte
    // i_q in it, hs_q byte 1 (zero) outside S_HEAD and byte i_q + 2 in it: spikes (i_q 0..3),
    // clocks (4..7), n (8: k_q, the outputs S_RES counted), zero (9). Its sources are stable
    // from S_RES on.
    reg [7:0] hd_q, hs_q;
    always @(posedge clk_i) begin
        if (!st_q[I_HEAD]) hs_q <= 8'd0;
        else if (i_q[3]) hs_q <= {1'b0, k_q & {7{!i_q[0]}}};
        else hs_q <= i_q[2] ? clocks_q[8*i_q[1:0] +: 8] : spikes32[8*i_q[1:0] +: 8];
        hd_q <= st_q[I_HEAD] ? hs_q : {1'b0, pred_q};
    end
    // the answer byte: a sum of products of state bits (one-hot) and their sources; only NAK
    // and FIN pick a byte by index (HELLO's version is in rx_q, STATUS's byte in word_q: S_PUT
    // shifts loaded_q in, so it is the low byte after the last counter's four bytes)
    reg [7:0] nak_b, fin_b, tb;
    always @(*) begin
        case (i_q[2:0])
            3'd0: nak_b = 8'hFF;
            3'd2: nak_b = 8'd2;
            3'd3: nak_b = 8'd0;
            3'd4: nak_b = {6'd0, nak_reason_q};
            default: nak_b = expect_q;
        endcase
        case (i_q[1:0])
            2'd0: fin_b = fin_type_q;
            2'd1: fin_b = seq_i;
            2'd2: fin_b = fin_len_q[7:0];
            default: fin_b = {{(16-AW){1'b0}}, fin_len_q[AW-1:8]};
        endcase
        tb = ({8{st_q[I_NAK]}} & nak_b) | ({8{st_q[I_FIN]}} & fin_b) | ({8{st_q[I_ERR]}} & {4'd0, err_q}) |
             ({8{st_q[I_HELLO] | st_q[I_INFO]}} & rx_q) | ({8{st_q[I_HEAD]}} & hd_q) |
             ({8{st_q[I_PUT] | st_q[I_STATUS]}} & word_q[7:0]) | ({8{st_q[I_RIN]}} & in_q);
    end
    // answer buffer write port: the table states, S_PUT and S_RIN write tb at ta_q (the header,
    // S_FIN, at bytes 0..3)
    // (registered: a write lands a clock after its state; S_SEND follows every last write)
    always @(posedge clk_i) begin
        tx_we_o <= (st_q[I_NAK]) || (st_q[I_FIN]) || (st_q[I_HELLO]) || (st_q[I_INFO]) ||
                   (st_q[I_STATUS]) || (st_q[I_HEAD]) || (st_q[I_ERR]) || (st_q[I_PUT]) ||
                   (st_q[I_RIN]);
        tx_waddr_o <= (st_q[I_FIN]) ? {{(AW-2){1'b0}}, i_q[1:0]} : ta_q;
        tx_wdata_o <= tb;
        if (rst_i) tx_we_o <= 1'b0;
    end
    // the table answers' last byte, registered a byte ahead: i_q counts up by one per clock from
    // 0 in every table state, which leaves only at its last byte (STATUS writes one byte). One
    // register per successor (S_NAKS, S_SEND, S_FIN): each set only in its table states, so a
    // transition tests one register. Only the index bits a state reaches are compared (NAK
    // 0..5, FIN 0..3, HELLO 0..4, HEAD 0..11).
    reg tln_q, tlx_q, tlf_q;
    always @(posedge clk_i) begin
        tln_q <= st_q[I_NAK] && i_q[2:0] == 3'd4;
        tlx_q <= st_q[I_FIN] && i_q[1:0] == 2'd2;
        tlf_q <= (st_q[I_HELLO] && i_q[1:0] == 2'd3) || (st_q[I_INFO] && i_q == INFO_N[6:0] - 7'd2) ||
                 (st_q[I_HEAD] && i_q[3:0] == 4'd10);
        if (rst_i) begin tln_q <= 1'b0; tlx_q <= 1'b0; tlf_q <= 1'b0; end
    end
    wire tab_last = tln_q || tlx_q || tlf_q || st_q[I_STATUS];

    always @(*) begin
        ev = 8'd0;
        ev[0] = (st_q[I_DISP]);
        ev[1] = rx_bad_i;
        ev[2] = rx_overrun_i;
        ev[3] = uart_err_i;
        ev[4] = (st_q[I_ERR]);
        ev[5] = tln_q;
        ev[6] = (st_q[I_DISP]) && d_dup; // registered decode
        ev[7] = (st_q[I_WAIT]) && done_i;
    end
    // S_DISP's decisions: the checks registered in S_PREP (the header is complete), the outcome
    // (next state, ERR code, side effects) in S_PREP2, so that S_DISP only copies registers
    reg         p_hello, p_hello_ok, p_seq_ok, p_dup, p_write, p_status, p_trace;
    reg  [3:0]  p_err;     // ERR code of a WRITE/READ/unknown command, 0: none
    reg  [NS-1:0] p_next;    // S_DISP's next state when there is no error
    reg  [1:0]  p_wkind;
    reg  [NW-1:0] p_n;     // the loop count S_DISP loads into n_q
    reg  [AW-1:0] p_fin_len, p_rxa; // the answer body length and first rx byte S_DISP loads
    /* verilator lint_off UNUSEDSIGNAL */ // counts are at most MAXBODY < 2^AW (r_big)
    wire [15:0] rwords = {2'b00, rcount[15:2]};
    /* verilator lint_on UNUSEDSIGNAL */
    localparam [NW-1:0] N8 = 8;
    // the frame's type decoded into registers (one flag per command: the p_* decisions below
    // are a few LUTs of registers; the type is stable from S_IDLE on, four clocks before S_PREP)
    reg t_hello, t_info, t_status, t_clear, t_write, t_read, t_run;
    always @(posedge clk_i) begin
        t_hello <= type_i == 8'h01; t_info <= type_i == 8'h02; t_status <= type_i == 8'h03;
        t_clear <= type_i == 8'h04; t_write <= type_i == 8'h05; t_read <= type_i == 8'h06;
        t_run <= type_i == 8'h07;
    end
    always @(posedge clk_i) begin
        p_hello <= t_hello;
        p_hello_ok <= bl6 && hello_v;
        p_seq_ok <= (seq_i == expect_q);
        p_dup <= dup;
        p_write <= t_write;
        p_status <= t_status;
        p_trace <= t_read && sp8;
        p_fin_len <= t_hello ? 5 : t_info ? INFO_N[AW-1:0] :
                     t_status ? 33 : t_read ? rcount[AW-1:0] : 0;
        p_rxa <= t_hello ? 5 : t_info ? INFO_AT[AW-1:0] : 10;
        p_n <= t_write ? {{(NW-AW){1'b0}}, wcount} : t_status ? N8 :
               (sp8 || sp10) ? rwords[NW-1:0] : rcount[NW-1:0];
        p_err <= 4'd0;
        p_wkind <= 2'd0;
        (* parallel_case *) case (1'b1) // (one-hot: at most one t_* is set)
            t_info: p_next <= S_INFO_RD;
            t_status: p_next <= S_AUXW;
            t_clear: p_next <= S_FIN;
            t_write: begin
                p_next <= w_zero ? S_FIN : S_WR_RD;
                if (bl_lt6) p_err <= 4'd2;
                else if (sp6 && in_range) p_wkind <= 2'd0;
                else if (sp11 && a16z) p_wkind <= 2'd1;
                else if (sp10 && w_word) p_wkind <= 2'd2;
                else p_err <= 4'd3;
            end
            t_read: begin
                p_next <= S_FIN;
                if (!bl8 || r_big) p_err <= 4'd2;
                else if (r_zero && (sp6 || sp8 || sp10)) p_next <= S_FIN;
                else if (sp6 && in_range) p_next <= S_RIN_RD;
                else if (sp10 && rcount[1:0] == 2'd0) p_next <= S_RC;
                else if (sp8 && tr_range) p_next <= S_AUXW;
                else p_err <= 4'd3;
            end
            t_run: p_next <= S_RUN;
            default: begin p_next <= S_ERR; p_err <= 4'd1; end
        endcase
    end
    reg  [NS-1:0] d_tgt;   // S_DISP's next state (one-hot)
    reg  [3:0]  d_err;
    reg         d_consume, d_hello_ok, d_dup, d_nak, d_ok;
    always @(posedge clk_i) begin
        d_hello_ok <= p_hello && p_hello_ok;
        d_dup <= !p_hello && synced_q && !p_seq_ok && p_dup;
        d_nak <= !p_hello && synced_q && !p_seq_ok && !p_dup;
        d_ok <= !p_hello && synced_q && p_seq_ok && p_err == 4'd0;
        d_consume <= p_hello ? p_hello_ok : synced_q; // an ERR 9 or 10 does not consume its seq
        d_err <= p_hello ? 4'd9 : !synced_q ? 4'd10 : p_err;
        d_tgt <= p_hello ? (p_hello_ok ? S_INFO_RD : S_ERR) : !synced_q ? S_ERR :
                 !p_seq_ok ? S_ACKW : (p_err != 4'd0) ? S_ERR : p_next;
    end


    // The next state, bit by bit (no clock enable: a state flop's D is a short sum of
    // products): a bit is set when a transition enters it, and stays set while its own exit
    // condition is false. Every transition leaves its state (one-hot: no self loops).
    wire put_end  = p0_q;   // S_PUT's last byte
    wire cw_end   = st_q[I_CW] && host_gnt_i;
    wire crw_end  = st_q[I_CRW] && host_rvalid_i;
    wire idle_go  = st_q[I_IDLE] && !tx_busy_i;
    wire tchk_ok  = !rem_q[RW-1] && (!hdr_q[34] || eleft_zero_q);
    wire run_bad  = !bl9 || run_steps_bad || run_inlen_big;
    wire pre_last = st_q[I_PRE] && pre_q == 2'd3;
    wire pre_bad  = out_big_q || (hdr_q[34] && !readout_q);
    wire aux_go   = stat_q ? !busy_cnt_q : (u_q == 3'd0);
    wire int_go   = a_mode && inlen_nz_q;
    reg  [NS-1:0] st_nx;
    always @(*) begin
        st_nx = {NS{1'b0}};
        st_nx[I_IDLE]    = (st_q[I_IDLE] && (tx_busy_i || (!frame_valid_i && !nak_pend_q))) || st_q[I_ACKW2];
        st_nx[I_NAK]     = (idle_go && !frame_valid_i && nak_pend_q) || (st_q[I_NAK] && !tln_q);
        st_nx[I_NAKS]    = tln_q;
        st_nx[I_HDR_RD]  = (idle_go && frame_valid_i) || (st_q[I_HDR] && !i_q[3]);
        st_nx[I_HDR_W]   = st_q[I_HDR_RD];
        st_nx[I_HDR]     = st_q[I_HDR_W];
        st_nx[I_PREPA]   = st_q[I_HDR] && i_q[3];
        st_nx[I_PREP0]   = st_q[I_PREPA];
        st_nx[I_PREP1]   = st_q[I_PREP0];
        st_nx[I_PREP]    = st_q[I_PREP1];
        st_nx[I_PREP2]   = st_q[I_PREP];
        st_nx[I_DISP]    = st_q[I_PREP2];
        st_nx[I_INFO_RD] = st_q[I_DISP] && d_tgt[I_INFO_RD];
        st_nx[I_INFO_W]  = st_q[I_INFO_RD];
        st_nx[I_HELLO]   = (st_q[I_INFO_W] && p_hello) || (st_q[I_HELLO] && !tlf_q);
        st_nx[I_INFO]    = (st_q[I_INFO_W] && !p_hello) || (st_q[I_INFO] && !tlf_q);
        st_nx[I_ACKW]    = (st_q[I_DISP] && d_tgt[I_ACKW]) || st_q[I_NAKS] || st_q[I_SEND];
        st_nx[I_ACKW2]   = st_q[I_ACKW];
        st_nx[I_ERR]     = (st_q[I_DISP] && d_tgt[I_ERR]) || (st_q[I_RUN] && run_bad) ||
                           (pre_last && pre_bad) || (st_q[I_TCHK] && rem_q[RW-1]);
        st_nx[I_FIN]     = (st_q[I_DISP] && d_tgt[I_FIN]) || st_q[I_ERR] ||
                           st_q[I_STATUS] || tlf_q || // (STATUS: one byte)
                           (put_end && ret2_q[I_FIN]) || (cw_end && ret_q[I_FIN]) ||
                           (st_q[I_WR] && !wr_cw && n1_q) || (st_q[I_RIN] && n1_q) ||
                           (st_q[I_FIN] && !tlx_q);
        st_nx[I_SEND]    = tlx_q;
        st_nx[I_STATUS]  = put_end && ret2_q[I_STATUS];
        st_nx[I_HEAD]    = (put_end && ret2_q[I_HEAD]) || (st_q[I_HEAD] && !tlf_q);
        st_nx[I_PUT]     = (st_q[I_PUT] && !p0_q) || (crw_end && ret_q[I_PUT]) ||
                           st_q[I_TRQ] || st_q[I_RES];
        st_nx[I_CR]      = (put_end && ret2_q[I_CR]) || (st_q[I_CR] && !host_gnt_i) || st_q[I_RC] ||
                           (st_q[I_RUN] && !run_bad) || (st_q[I_PRE] && pre_q != 2'd3) ||
                           (st_q[I_WAIT] && done_i);
        st_nx[I_CRW]     = (st_q[I_CR] && host_gnt_i) || (st_q[I_CRW] && !host_rvalid_i);
        st_nx[I_PRE]     = crw_end && ret_q[I_PRE];
        st_nx[I_RES0]    = crw_end && ret_q[I_RES0];
        st_nx[I_RES]     = st_q[I_RES0];
        st_nx[I_CW]      = (st_q[I_CW] && !host_gnt_i) || (st_q[I_WR] && wr_cw) || st_q[I_INT];
        st_nx[I_WR_RD]   = (st_q[I_DISP] && d_tgt[I_WR_RD]) || (cw_end && ret_q[I_WR_RD]) ||
                           (st_q[I_WR] && !wr_cw && !n1_q);
        st_nx[I_WR_W]    = st_q[I_WR_RD];
        st_nx[I_WR]      = st_q[I_WR_W];
        st_nx[I_RIN_RD]  = (st_q[I_DISP] && d_tgt[I_RIN_RD]) || (st_q[I_RIN] && !n1_q);
        st_nx[I_RIN_W]   = st_q[I_RIN_RD];
        st_nx[I_RIN]     = st_q[I_RIN_W];
        st_nx[I_RC]      = (st_q[I_DISP] && d_tgt[I_RC]) || (put_end && ret2_q[I_RC]);
        st_nx[I_AUXW]    = (st_q[I_DISP] && d_tgt[I_AUXW]) || (st_q[I_AUXW] && !aux_go);
        st_nx[I_TR]      = (st_q[I_AUXW] && aux_go) || (put_end && ret2_q[I_TR]);
        st_nx[I_TRD]     = st_q[I_TR];
        st_nx[I_TRQ]     = st_q[I_TRD];
        st_nx[I_RUN]     = st_q[I_DISP] && d_tgt[I_RUN];
        st_nx[I_TCHKW]   = (pre_last && !pre_bad) || (st_q[I_TCHK] && !rem_q[RW-1] && !tchk_ok);
        st_nx[I_TCHK]    = st_q[I_TCHKW];
        st_nx[I_INT_RD]  = (st_q[I_TCHK] && tchk_ok && int_go) || (cw_end && ret_q[I_INT_RD]);
        st_nx[I_INT_W]   = st_q[I_INT_RD];
        st_nx[I_INT]     = st_q[I_INT_W];
        st_nx[I_GO]      = (st_q[I_TCHK] && tchk_ok && !int_go) || (cw_end && ret_q[I_GO]);
        st_nx[I_WAIT]    = st_q[I_GO] || (st_q[I_WAIT] && !done_i);
    end

    always @(posedge clk_i) begin
        st_q <= st_nx;
        frame_ack_o <= 1'b0;
        tx_start_o  <= 1'b0;
        run_start_o <= 1'b0;
        if (rx_bad_i) begin nak_pend_q <= 1'b1; nak_reason_q <= 2'd1; end
        if (rx_overrun_i) begin nak_pend_q <= 1'b1; nak_reason_q <= 2'd3; end

        // counter updater
        case (u_q)
            3'd0: if (up_go_q) begin
                uk_q <= pend_q[0] ? 3'd0 : pend_q[1] ? 3'd1 : pend_q[2] ? 3'd2 : pend_q[3] ? 3'd3 :
                        pend_q[4] ? 3'd4 : pend_q[5] ? 3'd5 : pend_q[6] ? 3'd6 : 3'd7;
                u_q <= 3'd1;
            end
            3'd1: u_q <= 3'd2;                // uk_q on the read port
            3'd2: u_q <= 3'd3;                // the word into aux_q
            3'd3: if (!trace_run_q) u_q <= 3'd0; // written unless the trace has the port (aux_q holds)
            default: begin                    // clearing words 0..7 after reset
                uk_q <= uk_q + 1'b1;
                if (uk_q == 3'd7) u_q <= 3'd0;
            end
        endcase
        pend_q <= pend_nx;
        // start the next update: events pending in the next clock and the read port free. The
        // port conditions are a clock old, which is safe: S_AUXW hands the port to the engine
        // only when nothing is pending (STATUS) or while no update may start (trace READ).
        // (not in the write clock u_q == 3, so that no clear mask is behind it: the updater
        // then rests a clock before it starts again)
        up_go_q <= u_q != 3'd3 && (pend_q != 8'd0 || ev != 8'd0) && !aux_own_q && !(st_q[I_AUXW] && !stat_q);
        busy_cnt_q <= (pend_q != 8'd0) || (u_q != 3'd0) || (ev != 8'd0);


        // event feeder (runs beside S_WAIT): per step a u16 count, then count u16 indices
        case (e_q)
            // A step's count: E_CA and E_CB read the low and high byte, each is in in_q two
            // clocks later (the zero test behind it is logic). An index goes from the RAM
            // straight into flops (eli_q, evi_q: no logic behind the RAM), four clocks per event.
            // (ptr_q, n_q and eleft_q count in their own blocks)
            E_CA: e_q <= n0_q ? E_EOS : E_CB; // no 16-bit word left: the step is empty
            E_CB: e_q <= E_CC;
            E_CC: begin elo_q <= in_q; e_q <= E_CD; end
            E_CD: begin
                ecnt_q <= ev16[IN_AW:0];
                e_q <= (elz_q && in_q == 8'd0) ? E_EOS : E_IA;
            end
            E_IA: e_q <= E_IB;
            E_IB: begin eli_q <= in_rdata; e_q <= E_IC; end
            E_IC: begin
                evi_q <= evi_ram[IN_AW-1:0];
                e_q <= E_BEAT;
            end
            E_BEAT: if (ev_ready_i) begin
                ecnt_q <= ecnt_q - 1'b1;
                e_q <= ecnt1_q ? E_EOS : E_IA;
            end
            E_EOS: if (ev_ready_i) e_q <= el1_q ? E_OFF : E_CA;
            default: ;
        endcase

        (* parallel_case *) case (1'b1)
        st_q[I_IDLE]: begin
            if (!tx_busy_i) begin // tx_slot_o stays while the framer sends
                if (!frame_valid_i && nak_pend_q) begin
                    tx_slot_o <= {WI{1'b0}};
                end
            end
        end
        st_q[I_NAKS]: begin
            tx_start_o <= 1'b1; tx_base_o <= NAK_BASE; tx_len_o <= 6;
        end
        // S_HDR: hdr_q below (one enable per byte, no shifter behind the RAM)
        // S_PREPA: tr_base_q settles
        // S_PREP0: the range sums settle
        // S_PREP1: the range checks settle
        // S_PREP: the p_* decisions settle
        // S_PREP2: the d_* decisions settle
        st_q[I_DISP]: begin
            tx_slot_o <= sidx;
            fin_type_q <= type_i | 8'h80;
            fin_len_q <= p_fin_len;
            stat_q <= p_status;
            wkind_q <= p_wkind;
            fin_consume_q <= d_consume;
            err_q <= d_err; // used by S_ERR only
            if (d_hello_ok) begin
                synced_q <= 1'b1;
                expect_q <= seq_i;      // S_SEND adds one
                cache_v_q <= 0;
                // fin_len_q 5, rx_raddr_o 5: the nonce is copied from the frame (raw bytes 6..9)
            end
            if (d_dup || d_nak) frame_ack_o <= 1'b1;
            if (d_dup) begin
                tx_start_o <= 1'b1; tx_base_o <= 0; tx_len_o <= cache_len_m[sidx];
            end
            if (d_nak) begin nak_pend_q <= 1'b1; nak_reason_q <= 2'd2; end
            if (d_ok) begin
                if (p_write && p_wkind == 2'd2) loaded_q <= 1'b1;
                if (t_clear) clear_pend_q <= 1'b1;
            end
        end
        // S_ACKW: let frame_valid fall before looking again
        // S_ACKW2: and the next frame's registered fields (link_rx_frame) settle
        st_q[I_ERR]: begin
            fin_type_q <= 8'hFE; fin_len_q <= 1;
        end
        // table answers: one byte per clock at ta_q
        // (i_q counts in its own block)
        st_q[I_NAK]: if (tln_q) nak_pend_q <= 1'b0;
        // put subroutine: p_q + 1 bytes of word_q at ta_q, then ret2_q
        st_q[I_PUT]: p_q <= p_q - 1'b1;
        // core read subroutine: caddr_q -> word_q, caddr_q + 1, then ret_q
        // (a read returns to S_PUT, S_PRE or S_RES0: one-hot ret_q); a core READ's next return
        // from S_PUT is chosen here (n_q == 0: S_RC counted this word; S_RES sets its own)
        st_q[I_CRW]: ret2_q <= n0_q ? S_FIN : S_RC;
        // (core write subroutine S_CW: word_q -> caddr_q, then ret_q: S_FIN, S_WR_RD, S_GO or
        // S_INT_RD; the datapath is in caddr_q's block and the port assigns)
        // WRITE: rx byte 10+i -> input RAM, a core intensity word, or 4 bytes -> a core word
        st_q[I_WR]: ret_q <= n1_q ? S_FIN : S_WR_RD;
        // READ the input RAM: S_RIN_RD, S_RIN_W (the byte into in_q), S_RIN
        // READ the core: one host port read, 4 bytes into the answer
        st_q[I_RC]: begin
            ret_q <= S_PUT; p_q <= 2'd3;
        end
        // READ the trace: one word (sign-extended), 4 bytes into the answer
        // STATUS and trace READ: wait until the counter updater is idle (STATUS: until every
        // counter event so far is counted), then own the aux RAM's read port
        st_q[I_AUXW]: if (stat_q ? !busy_cnt_q : (u_q == 3'd0)) begin
            aux_own_q <= 1'b1;
        end
        st_q[I_TR]: begin // tr_ra_q is on the RAM's read port: its word is in tr_rdata next clock
            ret2_q <= !n1_q ? S_TR : stat_q ? S_STATUS : S_FIN;
            p_q <= 2'd3;
        end
        // S_TRD: the word into aux_q, S_TRQ: aux_q into word_q
        // RUN: argument checks, then the last layer's parameters
        st_q[I_RUN]: begin
            pre_q <= 2'd0;
            ret_q <= S_PRE;
            // (err_q is used by S_ERR only: every state that goes there sets it, so it is written
            // whatever the checks say)
            err_q <= !bl9 ? 4'd2 : run_steps_bad ? 4'd7 : 4'd8;
        end
        st_q[I_PRE]: begin // word_q: NUM_LAYERS, CFG, SIZE, STATE_BASE of the last layer
            pre_q <= pre_q + 1'b1;
            err_q <= 4'd7; // (S_PRE's last check; S_ERR only reads it)
            case (pre_q)
                2'd0: begin
                    nl_q <= rdm1_q;
                end
                2'd1: readout_q <= word_q[0]; // caddr_q is at SIZE (S_CRW added one)
                2'd2: nout_q <= word_q[6:0];
                default: begin
                    sbase_q <= word_q[NEUR_AW-1:0];
                    rem_q <= TW[RW-1:0];
                    // (pre_bad: out_big_q, SIZE (the word before this one) exceeds what one
                    // answer holds, or a TRACE run's last layer is no readout)
                end
            endcase
        end
        // TRACE fit: steps x outputs <= trace words, by repeated subtraction
        // (two clocks per step: S_TCHKW lets the registered eleft_q == 0 settle; every S_TCHK
        // subtracts and counts eleft_q down: when it leaves, S_GO reloads eleft_q and S_PRE rem_q)
        st_q[I_TCHK]: begin // rem_q's sign says whether the previous subtraction went below zero
            rem_q <= rem_next;
            err_q <= 4'd7;
        end
        // staged intensities: input[j] -> core region 4 word j (S_INT_RD, S_INT_W, S_INT)
        // S_INT_W: the byte into in_q
        st_q[I_INT]: ret_q <= n0_q ? S_GO : S_INT_RD;
        st_q[I_GO]: begin
            run_start_o <= 1'b1;
            run_clear_o <= !a_keep || clear_pend_q;
            trace_run_q <= hdr_q[34];
            clear_pend_q <= 1'b0;
            clocks_q <= 32'd0; spikes_q <= 0;
            e_q <= a_mode ? E_OFF : E_CA;
        end
        st_q[I_WAIT]: begin
            clocks_q <= clocks_q + 1'b1;
            if (in_spike_i) spikes_q <= spikes_q + 1'b1;
            if (done_i) begin
                e_q <= E_OFF;
                trace_run_q <= 1'b0;
                fin_len_q <= 12 + {{(AW-9){1'b0}}, nout_q, 2'b00};
                k_q <= 7'd0;
                ret_q <= S_RES0;
            end
        end
        st_q[I_RES]: begin // one STAT word: into the answer, argmax (smallest index of the max)
            if (k_q == 0 || gt_q) begin nbest_q <= ~(word_q[CW-1:0] ^ MSB); pred_q <= k_q; end
            k_q <= k_q + 1'b1;
            nout_q <= nout_q - 1'b1;
            p_q <= 2'd3;
            ret_q <= S_RES0;
            ret2_q <= klast_q ? S_HEAD : S_CR;
        end
        st_q[I_SEND]: begin
            tx_start_o <= 1'b1; tx_base_o <= 0; tx_len_o <= 4 + fin_len_q;
            cache_len_m[sidx] <= 4 + fin_len_q;
            cache_seq_m[sidx] <= seq_i;
            frame_ack_o <= 1'b1;
            // the slot holds a cached answer only when the frame was consumed
            cache_v_q <= (cache_v_q & ~slot1h) | (fin_consume_q ? slot1h : {(1<<WI){1'b0}});
            if (fin_consume_q) expect_q <= expect_q + 1'b1;
            aux_own_q <= 1'b0; // (S_FIN's last byte read nothing from the aux RAM)
        end
        default: ; // one-hot: exactly one arm is active
        endcase

        if (rst_i) begin
            st_q <= S_IDLE; e_q <= E_OFF;
            aux_own_q <= 1'b0; trace_run_q <= 1'b0;
            pend_q <= 8'd0; u_q <= 3'd4; uk_q <= 3'd0;
            synced_q <= 1'b0; cache_v_q <= 0; clear_pend_q <= 1'b1; loaded_q <= 1'b0;
            expect_q <= 8'd0; nak_pend_q <= 1'b0;
        end
    end
endmodule
