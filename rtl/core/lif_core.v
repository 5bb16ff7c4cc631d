`default_nettype none
// lif_core: the event-driven LIF network engine of docs/rtl.md. One datapath runs the layers of
// a network in order (rule S-12); per-layer parameters are read at run time from the parameter
// memory, so one bitstream serves every network within the compile-time maxima.
//
// Per step: input pass (events or LFSR encoder, S-13/S-14), then per layer: parameter load,
// synaptic pass (S-8: every event streams ceil(N/LANES) weight words through LANES exact
// accumulators), neuron pass (S-9..S-11: lif_neuron, one neuron per clock, which also clears the
// accumulators and writes the layer's spike list). Memories are not reset; run_clear_i zeroes
// what a sample needs (S-6).
module lif_core #(
    parameter integer LANES      = 8,  // lanes (weights per word, neurons per synaptic clock): 1,2,4,8,16
    parameter integer SMAX       = 16, // largest state width S, 8..24
    parameter integer ACC_W      = 24, // accumulator width, 8..32
    parameter integer LAYERS_MAX = 4,  // largest layer count, 1..16
    parameter integer NEUR_AW    = 9,  // log2 neuron state depth (sum of layer sizes), 1..16
    parameter integer LAYER_AW   = 8,  // log2 largest layer size, log2(LANES)+1..NEUR_AW
    parameter integer IN_AW      = 10, // log2 largest input count, 1..16
    parameter integer WMEM_AW    = 14, // log2 weight memory depth in words, 1..20
    parameter integer WMEM_SPRAM = 0,  // 1: weights in 4 x SB_SPRAM256KA (LANES/WMEM_AW 8/14, 4/15 or 2/16)
    parameter integer DECAY_MAC  = 0,  // 1: decays whole in a DSP with an adder (iCE40 SB_MAC16), 0: product + fabric subtract
    parameter         WMEM_INIT  = "", // $readmemh file for generic weight RAM, "" = none
    // Baked networks (docs/rtl.md, "Baked networks"): the parameter memory's $readmemh file and
    // the reset values of the global registers, so a board runs without a host loading it.
    parameter         PRM_INIT     = "", // $readmemh file for the parameter memory, "" = none
    parameter integer NLAYERS_INIT = 0,  // register 2 (layers) after reset
    parameter integer NINPUTS_INIT = 0,  // register 3 (inputs) after reset
    parameter [31:0]  SEED_INIT    = 32'd1 // register 4 (encoder seed) after reset
) (
    input  wire        clk_i,
    input  wire        rst_i,
    // host memory port
    input  wire        host_req_i,
    input  wire        host_we_i,
    input  wire [23:0] host_addr_i,
    input  wire [31:0] host_wdata_i,
    output wire        host_gnt_o,
    output reg         host_rvalid_o,
    output reg  [31:0] host_rdata_o,
    // run control
    input  wire        run_start_i,
    input  wire [31:0] run_steps_i,
    input  wire        run_mode_i,
    input  wire        run_clear_i,
    output wire        busy_o,
    output reg         step_done_o,
    output reg         done_o,
    output reg         in_spike_o, // one pulse per input spike of a step (events or encoder)
    // input events
    input  wire        ev_valid_i,
    output wire        ev_ready_o,
    input  wire        ev_eos_i,
    input  wire [15:0] ev_index_i,
    // per-neuron updates
    output wire        upd_valid_o, // all upd_* are lif_neuron's output registers (and counters)
    output wire [3:0]  upd_layer_o,
    output wire [15:0] upd_index_o,
    output wire [31:0] upd_i_o,
    output wire [31:0] upd_v_o,
    output wire        upd_spike_o,
    output wire [3:0]  upd_refr_o
);
    // ---------------------------------------------------------------- derived sizes
    localparam integer LSH    = $clog2(LANES);            // log2 lanes
    localparam integer LB     = (LSH > 0) ? LSH : 1;      // lane index width
    localparam integer WW     = 8 * LANES;                // weight word width
    localparam integer CHUNKS = (WW + 31) / 32;           // 32-bit host slices per word
    localparam integer CSH    = $clog2(CHUNKS);
    localparam integer AA     = LAYER_AW - LSH;           // accumulator address width
    localparam integer LYW    = (LAYERS_MAX > 1) ? $clog2(LAYERS_MAX) : 1;
    localparam integer PAW    = LYW + 3;                  // parameter memory address width
    localparam integer SZW    = LAYER_AW + 1;             // width of a layer size / count
    localparam integer INW    = IN_AW + 1;                // width of an input count
    localparam integer FKW    = ((INW > SZW) ? INW : SZW) + 1; // event list position / count

    // Illegal parameter combinations stop elaboration (instantiating a module that does not exist).
    generate
        if (LANES != 1 && LANES != 2 && LANES != 4 && LANES != 8 && LANES != 16) begin : g_bad_lanes
            lif_core_bad_LANES u_error ();
        end
        if (SMAX < 8 || SMAX > 24) begin : g_bad_smax
            lif_core_bad_SMAX u_error ();
        end
        if (ACC_W < 8 || ACC_W > 32) begin : g_bad_acc
            lif_core_bad_ACC_W u_error ();
        end
        if (AA < 1 || LAYER_AW > NEUR_AW || LAYER_AW > 16 || NEUR_AW > 16) begin : g_bad_aw
            lif_core_bad_LAYER_AW u_error ();
        end
        if (LAYERS_MAX < 1 || LAYERS_MAX > 16) begin : g_bad_layers
            lif_core_bad_LAYERS_MAX u_error ();
        end
    endgenerate

    // ---------------------------------------------------------------- FSM (one-hot)
    // Every state is one register bit, so state decodes are single wires. The control that feeds
    // RAM enables and addresses is registered (counters loaded at state entry, flags computed a
    // cycle early): see docs/rtl.md, "Timing structure".
    localparam integer Q_IDLE = 0, Q_CLEAR = 1, Q_IN_EV = 2, Q_IN_ENC = 3, Q_LOAD = 4, Q_SYN = 5,
                       Q_NEU = 6, Q_DRAIN = 7, Q_END = 8, NQ = 9;
    localparam [NQ-1:0] O_IDLE = 9'd1 << Q_IDLE;
    reg [NQ-1:0] state_q;
    wire s_idle  = state_q[Q_IDLE];
    wire s_clear = state_q[Q_CLEAR];
    wire s_in_ev = state_q[Q_IN_EV];
    wire s_enc   = state_q[Q_IN_ENC];
    wire s_load  = state_q[Q_LOAD];
    wire s_syn   = state_q[Q_SYN];
    wire s_neu   = state_q[Q_NEU];
    wire s_drain = state_q[Q_DRAIN];
    wire s_end   = state_q[Q_END];
    assign busy_o = ~s_idle;
    // A copy of the idle state bit for the memory port selects (about a hundred loads), kept
    // apart from the control logic's copy so neither net is slow.
    (* keep *) reg idle_m;

    // ---------------------------------------------------------------- host port (registered)
    // A granted request is registered with its decoded write enables; memories see only
    // registers. No grant in a run_start_i cycle, so a registered access always executes idle.
    wire       host_go = host_req_i & s_idle & ~run_start_i;
    assign host_gnt_o = host_go;
    wire [3:0] h_region = host_addr_i[23:20];
    // hd_*: the request's decoded writes, registered without the grant (inputs only);
    // hq_ok: the request was granted. A write happens on hd_* & hq_ok.
    reg        hq_rd, hq_ok, hd_wnl, hd_wni, hd_wseed, hd_wprm, hd_ww, hd_wstage, hd_wx;
    reg [3:0]  hd_wst;
    wire       hq_wnl = hd_wnl & hq_ok, hq_wni = hd_wni & hq_ok, hq_wseed = hd_wseed & hq_ok;
    wire       hq_wprm = hd_wprm & hq_ok, hq_ww = hd_ww & hq_ok, hq_wstage = hd_wstage & hq_ok;
    wire       hq_wx = hd_wx & hq_ok;
    wire [3:0] hq_wst = hd_wst & {4{hq_ok}};
    reg [5:0]  hq_rsel;  // register file read select, one-hot over registers 0..5
    reg [23:0] hq_addr;
    reg [31:0] hq_wdata;

    // global registers
    reg [LYW:0]   num_layers_q;
    reg [INW-1:0] num_inputs_q;
    reg [31:0]    seed_q;
    reg [31:0]    step_q;      // steps since the last clear
    reg [31:0]    steps_left_q;
    reg           sl_one_q;    // steps_left_q == 1
    reg [3:0]     step_c_q;    // step_q's bytes below byte k are all ones (byte k carries in)
    reg [3:0]     sl_b_q;      // steps_left_q's bytes below byte k are zero (byte k borrows)
    reg           mode_q;      // 1: intensity
    reg           first_q;     // first step since clear
    reg [LYW-1:0] layer_q;     // current layer
    reg           c_last_q;    // layer_q is the last layer
    reg           c_l0;        // layer_q == 0
    reg [INW:0]   nin_m2_q;    // num_inputs_q - 2 (signed)
    wire          par = step_q[0];

    // ---------------------------------------------------------------- parameter memory
    reg  [PAW-1:0] prm_raddr;
    wire [31:0]    prm_rdata;
    lif_ram_sdp #(.DW(32), .AW(PAW), .INIT(PRM_INIT)) u_prm (
        .clk_i(clk_i), .we_i(hq_wprm),
        .waddr_i({hq_addr[LYW+3:4], hq_addr[2:0]}), .wdata_i(hq_wdata),
        .raddr_i(prm_raddr), .rdata_o(prm_rdata)
    );

    // layer working registers (loaded in S_LOAD)
    reg              c_readout, c_rec, c_sub;
    reg              c_pk;        // packed weights: two per byte (CFG[3], B <= 4)
    reg [3:0]        c_refr;
    reg [4:0]        c_sbits, c_shift;
    reg [SMAX-1:0]   c_hi, c_lo;  // sat_S bounds: 2^(S-1)-1, -2^(S-1)
    reg [2:0]        c_wsh;       // 8 - weight bits
    reg [7:0]        c_wlow;      // bits of a lane slot below B (kept)
    reg [7:0]        c_wsgn;      // one-hot: the sign bit B-1 of a lane slot
    reg [12:0]       c_leak_i, c_leak_v; // λ, or 4096 - λ if DECAY_MAC (lif_decay_mac)
    reg [SMAX-1:0]   c_thr;
    reg [WMEM_AW-1:0] c_wbase, c_rbase;
    reg [4:0]        c_rowsh;
    reg [NEUR_AW-1:0] c_sbase, c_prev_sbase;
    reg [AA-1:0]     c_wpr_m1;    // words per row - 1
    localparam [AA:0] AA_ONE = 1, AA_TWO = 2;
    reg [AA-1:0]     c_wpr_m3;    // words per row - 3
    reg              c_wpr1;      // two words per row
    reg              c_wpr0;      // one word per row
    reg              c_rowgap;    // rows of fewer than 3 words need bubbles
    reg [LANES-1:0]  c_lastmask;  // lanes in use in the last word of a row
    reg [SZW-1:0]    c_size_m1;   // N - 1
    reg [SZW-1:0]    c_size_m2;   // N - 2
    reg              c_size0;     // N == 1
    reg [3:0]        ld_cnt;
    reg [8:0]        ld_oh;       // one-hot ld_cnt (ld_oh[k] = (ld_cnt == k), k <= 8)

    // ---------------------------------------------------------------- memories
    // neuron state: I, V, r, STAT, one word per neuron at its global index
    // Each memory is read and written at the pipeline stage that uses it (lif_neuron): I with
    // the accumulator at the issue (n_ga) and written from stage 5 (st_wai); V and r read for
    // the neuron in stage 1 (n_gv); STAT for the neuron in stage 6 (n_gs); V, r, STAT written at
    // the output (st_wa). While idle all of them take the host address.
    reg  [NEUR_AW-1:0] st_raddr, st_raddr_v, st_raddr_s, st_waddr, st_waddr_i;
    reg  [SMAX-1:0]    st_wi, st_wv, st_ws;
    reg  [3:0]         st_wr;
    reg                st_we_i, st_we_v, st_we_r, st_we_s;
    wire [SMAX-1:0]    st_ri, st_rv, st_rs;
    wire [3:0]         st_rr;
    lif_ram_sdp #(.DW(SMAX), .AW(NEUR_AW)) u_st_i (.clk_i(clk_i), .we_i(st_we_i), .waddr_i(st_waddr_i), .wdata_i(st_wi), .raddr_i(st_raddr), .rdata_o(st_ri));
    lif_ram_sdp #(.DW(SMAX), .AW(NEUR_AW)) u_st_v (.clk_i(clk_i), .we_i(st_we_v), .waddr_i(st_waddr), .wdata_i(st_wv), .raddr_i(st_raddr_v), .rdata_o(st_rv));
    lif_ram_sdp #(.DW(4),    .AW(NEUR_AW)) u_st_r (.clk_i(clk_i), .we_i(st_we_r), .waddr_i(st_waddr), .wdata_i(st_wr), .raddr_i(st_raddr_v), .rdata_o(st_rr));
    lif_ram_sdp #(.DW(SMAX), .AW(NEUR_AW)) u_st_s (.clk_i(clk_i), .we_i(st_we_s), .waddr_i(st_waddr), .wdata_i(st_ws), .raddr_i(st_raddr_s), .rdata_o(st_rs));

    // intensity RAM
    reg  [IN_AW-1:0] x_raddr;
    wire [7:0]       x_rdata;
    lif_ram_sdp #(.DW(8), .AW(IN_AW)) u_x (
        .clk_i(clk_i), .we_i(hq_wx), .waddr_i(hq_addr[IN_AW-1:0]),
        .wdata_i(hq_wdata[7:0]), .raddr_i(x_raddr), .rdata_o(x_rdata)
    );

    // input spike list (this step's input events)
    reg               in_we;
    reg [IN_AW-1:0]   in_wdata;
    wire [IN_AW-1:0]  in_raddr;
    wire [IN_AW-1:0]  in_rdata;
    reg [INW-1:0]     in_cnt_q;   // entries written (counts in_we: the next write address)
    lif_ram_sdp #(.DW(IN_AW), .AW(IN_AW)) u_inl (.clk_i(clk_i), .we_i(in_we), .waddr_i(in_cnt_q[IN_AW-1:0]), .wdata_i(in_wdata), .raddr_i(in_raddr), .rdata_o(in_rdata));

    // spike lists: {buffer, global index} -> local index of the k-th spike
    wire               sp_we;
    wire [NEUR_AW:0]   sp_waddr;
    wire [LAYER_AW-1:0] sp_wdata;
    wire [NEUR_AW:0]   sp_raddr;
    wire [LAYER_AW-1:0] sp_rdata;
    lif_ram_sdp #(.DW(LAYER_AW), .AW(NEUR_AW + 1)) u_spl (.clk_i(clk_i), .we_i(sp_we), .waddr_i(sp_waddr), .wdata_i(sp_wdata), .raddr_i(sp_raddr), .rdata_o(sp_rdata));
    reg [SZW-1:0] sp_cnt_q [0:(2<<LYW)-1];
    reg [(2<<LYW)-1:0] sp_sel_q; // one-hot {layer_q, par}: the count written at the pass end

    // weight memory (single port)
    reg  [WMEM_AW-1:0] wa_q;
    wire [WW-1:0]      w_rdata;
    wire [WMEM_AW-1:0] w_addr;
    wire [WW-1:0]      w_wdata;
    lif_wmem #(.DW(WW), .AW(WMEM_AW), .WMEM_SPRAM(WMEM_SPRAM), .INIT(WMEM_INIT)) u_wmem (
        .clk_i(clk_i), .we_i(hq_ww), .addr_i(w_addr), .wdata_i(w_wdata), .rdata_o(w_rdata)
    );

    // accumulators: one word holds the LANES exact accumulators of one word index
    reg  [AA-1:0]          acc_raddr;
    wire [LANES*ACC_W-1:0] acc_rdata;
    reg                    p2_v;      // write the accumulator word p2_a in this cycle
    reg  [AA-1:0]          p2_a;
    reg  [LANES*ACC_W-1:0] p2_sum;    // registered sums (zero for the clearing writes)
    lif_ram_sdp #(.DW(LANES*ACC_W), .AW(AA)) u_acc (
        .clk_i(clk_i), .we_i(p2_v), .waddr_i(p2_a), .wdata_i(p2_sum),
        .raddr_i(acc_raddr), .rdata_o(acc_rdata)
    );

    // ---------------------------------------------------------------- host weight staging
    localparam integer STW = (CHUNKS > 1) ? 32 * (CHUNKS - 1) : 1;
    reg  [STW-1:0] wstage_q;
    wire           h_last_chunk;
    wire [WMEM_AW-1:0] h_word;
    wire [CSH:0]   hq_chunk;
    generate
        if (CHUNKS > 1) begin : g_chunks
            assign h_last_chunk = (host_addr_i[CSH-1:0] == CHUNKS[CSH-1:0] - 1'b1);
            assign h_word = hq_addr[CSH +: WMEM_AW];
            assign hq_chunk = {1'b0, hq_addr[CSH-1:0]};
            assign w_wdata = {hq_wdata[WW-32*(CHUNKS-1)-1:0], wstage_q};
            // one-hot chunk decode registered from the port, so each 32-bit slice has its own
            // enable (an indexed part-select became a multiplier and carry chains on ECP5)
            reg [CHUNKS-2:0] hd_wsc;
            integer kw;
            always @(posedge clk_i)
                for (kw = 0; kw < CHUNKS - 1; kw = kw + 1) begin
                    hd_wsc[kw] <= (host_addr_i[CSH-1:0] == kw[CSH-1:0]);
                    if (hq_wstage && hd_wsc[kw]) wstage_q[32*kw +: 32] <= hq_wdata;
                end
        end else begin : g_one
            assign h_last_chunk = 1'b1;
            assign h_word = hq_addr[WMEM_AW-1:0];
            assign hq_chunk = {(CSH+1){1'b0}};
            assign w_wdata = hq_wdata[WW-1:0];
            always @(posedge clk_i) wstage_q <= hq_wstage; // always 0: one chunk per word
        end
    endgenerate
    assign w_addr = idle_m ? h_word : wa_q;

    integer kh;
    always @(posedge clk_i) begin
        hq_addr   <= host_addr_i;
        hq_wdata  <= host_wdata_i;
        hq_rd     <= host_go & ~host_we_i;
        hq_ok     <= host_go;
        hd_wnl    <= host_we_i & (h_region == 4'd0) & (host_addr_i[2:0] == 3'd2);
        hd_wni    <= host_we_i & (h_region == 4'd0) & (host_addr_i[2:0] == 3'd3);
        hd_wseed  <= host_we_i & (h_region == 4'd0) & (host_addr_i[2:0] == 3'd4);
        for (kh = 0; kh < 6; kh = kh + 1) hq_rsel[kh] <= (host_addr_i[2:0] == kh[2:0]);
        hd_wprm   <= host_we_i & (h_region == 4'd1);
        hd_ww     <= host_we_i & (h_region == 4'd2) & h_last_chunk;
        hd_wstage <= host_we_i & (h_region == 4'd2) & ~h_last_chunk;
        hd_wx     <= host_we_i & (h_region == 4'd4);
        for (kh = 0; kh < 4; kh = kh + 1)
            hd_wst[kh] <= host_we_i & (h_region == 4'd3) & (host_addr_i[1:0] == kh[1:0]);
        if (rst_i) begin
            hq_rd <= 1'b0; hq_ok <= 1'b0;
        end
    end

    // ---------------------------------------------------------------- encoder
    reg  [31:0] lfsr_q;
    reg         seed_ld;  // the clock after the clear pass: the zeroed LFSR takes the seed
    wire [31:0] lfsr_next;
    lif_lfsr8 u_lfsr (.state_i(lfsr_q), .state_o(lfsr_next));

    // ---------------------------------------------------------------- counters
    localparam [NEUR_AW:0] CLR_INIT = (1 << NEUR_AW) - 2;
    reg [NEUR_AW:0]  clr_q;       // clear pass: clocks left - 2 (negative: last clock)
    reg [NEUR_AW-1:0] clr_a;      // clear pass address
    reg [INW-1:0]    enc_j;       // encoder issue index
    reg              enc_v1;      // encoder read in flight
    reg [IN_AW-1:0]  enc_k;       // input of the draw in the compare stage (counts enc_v3)
    reg              enc_s3;      // registered compare: input enc_k spikes
    reg              enc_v3;
    reg              enc_v2;      // a draw and its intensity, registered for the compare
    reg [7:0]        enc_d2, enc_x2;
    reg              enc_done;
    reg [INW:0]      enc_rem;     // inputs left to issue after enc_j, minus one (signed)

    // synaptic pass: event fetcher -> FIFO -> row streamer -> add pipeline
    reg              f_act;       // a list phase is being fetched
    reg              f_ph1;       // the recurrent phase
    reg              f_nz;        // f_left != 0
    reg [FKW-1:0]    f_k;         // next list position
    reg [FKW-1:0]    f_left;      // events of the current phase not yet fetched
    reg [NEUR_AW-1:0] f_ga;       // spike list address of position f_k
    reg              f_buf;       // spike list buffer of the current phase
    reg [FKW-1:0]    f_cnt_ff;    // event count of the feed-forward phase (set in S_LOAD)
    wire [FKW-1:0]   f_cnt_rec;   // of the recurrent phase: f_sp_rec, stable from ld_cnt 2
    reg [SZW-1:0]    f_sp_prev, f_sp_rec;
    reg              f_ff_nz, f_rec_nz;
    reg [LYW:0]      idx_prev_q, idx_rec_q; // sp_cnt_q indices
    reg [3:0]        f_cred;      // free FIFO slots minus fetches in flight, thermometer coded
    reg              f_v1, f_rec1, f_src1; // list read in flight: recurrent?, from input list?
    // row address pipeline: index -> shift by ROW_SHIFT[1:0] -> by ROW_SHIFT[4:2] -> + base
    reg              f_v2, f_v3, f_v4, f_rec2, f_rec3;
    reg [WMEM_AW-1:0] f_sh3, f_sh4;
    // the two lists' outputs are shifted apart (each block RAM output meets one 4:1 mux before
    // a register) and the list source is chosen a clock later
    reg [WMEM_AW-1:0] f_sh2i, f_sh2s;
    reg              f_src2;
    reg [WMEM_AW-1:0] fifo_q [0:3]; // row start addresses
    reg [1:0]        fifo_rd, fifo_wr;
    reg [3:0]        fifo_n;      // FIFO occupancy, thermometer coded (fifo_n[0]: not empty)
    reg              st_v;        // streamer has a row word in the address registers
    reg              st_lw;       // ... and it is the last word of its row
    reg              st_l2;       // ... and the word after it is the last (st_w == words - 2)
    reg [AA-1:0]     st_w;        // word within the row
    reg [1:0]        gap_q;       // bubbles left before the next row may start
    reg              p1_v, pb_v;  // weight word arriving / registered
    reg              p1_h;        // the arriving word is used for its high nibbles (packed)
    // per-beat selects of the weight extension, shared by the lanes (registered from p1_h):
    // output bit b takes slot bit b (pr_slo), slot bit b+4 (pr_shi) or the sign (pr_sx), whose
    // slot bit is one-hot in pr_sgn
    reg [7:0]        pr_slo, pr_sgn, pr_sx;
    reg [3:0]        pr_shi;
    reg [AA-1:0]     p1_a, pb_a;
    reg [LANES-1:0]  p1_m, pr_m;
    reg              pr_v;        // raw weight word registered
    reg [AA-1:0]     pr_a;
    reg [WW-1:0]     pr_w;
    reg [WW-1:0]     pb_wx;       // sign-extended, masked weights of the word
    reg              syn_idle_q;
    integer ks2; // loop index of the weight extension block

    // neuron pass
    reg [SZW-1:0]    n_i;         // issue index
    reg              n_end;       // n_i is the last neuron of the layer
    reg [NEUR_AW-1:0] n_ga;       // state address of neuron n_i (I read)
    reg [NEUR_AW-1:0] n_gv;       // V and r read address: the neuron in lif_neuron's stage 1
    reg [NEUR_AW-1:0] n_gs;       // STAT read address: the neuron in lif_neuron's stage 6
    reg [AA-1:0]     n_word;
    reg [LANES-1:0]  n_lsel;      // one-hot lane of neuron n_i
    reg              n_v1;
    wire [LANES-1:0] n_lsel1;     // lane of the neuron issued a clock ago: n_lsel rotated back
    reg              n_last1;     // the neuron is the last one using its accumulator word
    reg [AA-1:0]     n_word1;
    reg              nu_v;        // registered lif_neuron inputs
    reg [SMAX-1:0]   nu_cur, nu_mem, nu_stat;
    reg [3:0]        nu_r;
    reg [ACC_W-1:0]  nu_acc;
    wire             no_v, no_spike;
    wire             no_vw;       // copy of no_v for the state write enables
    wire             no_vs;       // no_v & no_spike
    reg  [LAYER_AW-1:0] no_idx;   // layer index of the lif_neuron output (counts no_v)
    wire [SMAX-1:0]  no_cur, no_mem, no_stat;
    wire             ni_v;        // lif_neuron's new current (stage 5): I write
    wire [SMAX-1:0]  ni_cur;
    wire             n_rdv, n_rds; // lif_neuron reads: V and r, STAT
    wire [3:0]       no_r;
    reg              no_end;      // the layer's last neuron left lif_neuron
    reg [SZW-1:0]    sp_n_q;      // spikes written this pass
    reg [NEUR_AW-1:0] st_wa;      // state write address of the next lif_neuron output
    reg [NEUR_AW-1:0] st_wai;     // I write address of the next new current (stage 5)
    reg [NEUR_AW-1:0] sp_wa;      // spike list address of the next spike

    // Sign extension of a B-bit weight held in an 8-bit lane slot, or in one nibble of it when
    // the layer is packed (docs/rtl.md, "Weight layout"): output bit b is slot bit b, slot bit
    // b+4 (the high nibble of a packed byte) or the sign bit, by the per-beat selects pr_*.
    function [ACC_W-1:0] sx8; // sign-extend a byte to the accumulator width
        input [7:0] x;
        reg [ACC_W+7:0] t;
        begin
            t = {{ACC_W{x[7]}}, x};
            sx8 = t[ACC_W-1:0];
        end
    endfunction
    function [7:0] wextp;
        input [7:0] slot;
        input [7:0] slo, sgn, sx;
        input [3:0] shi;
        reg         sg;
        begin
            sg = |(slot & sgn);
            wextp = (slot & slo) | ({4'd0, slot[7:4] & shi}) | (sx & {8{sg}});
        end
    endfunction
    // weights of the registered word, sign-extended and masked (lanes past a row's end add 0);
    // registered as pb_wx
    reg [WW-1:0] pr_wx;
    always @* begin
        for (ks2 = 0; ks2 < LANES; ks2 = ks2 + 1)
`ifdef LIF_MUT_LANE
            // Mutation: lane 1 adds the weight of lane 0 (its weight address is off by one).
            pr_wx[ks2*8 +: 8] = pr_m[ks2] ? wextp(pr_w[(ks2 == 1 ? 0 : ks2)*8 +: 8], pr_slo, pr_sgn, pr_sx, pr_shi) : 8'd0;
`else
            pr_wx[ks2*8 +: 8] = pr_m[ks2] ? wextp(pr_w[ks2*8 +: 8], pr_slo, pr_sgn, pr_sx, pr_shi) : 8'd0;
`endif
    end

    // accumulator add: one exact add per lane on the accumulator word as it leaves the RAM,
    // registered (p2_sum) and written back the next clock. No forwarding is needed: the streamer
    // never reads a word within 3 clocks of the previous read of the same word (see gap_q), so
    // every read sees the previous write of that word.
    integer k;   // loop index of the add block
    integer ks;  // loop index of the sequential blocks
    reg [LANES*ACC_W-1:0] pb_sum;
    always @* begin
        for (k = 0; k < LANES; k = k + 1)
            pb_sum[k*ACC_W +: ACC_W] = acc_rdata[k*ACC_W +: ACC_W] + sx8(pb_wx[k*8 +: 8]);
    end

    wire syn_idle = !f_act && !f_v1 && !f_v2 && !f_v3 && !f_v4 && !fifo_n[0] && !st_v && !p1_v && !pr_v && !pb_v && !p2_v;
`ifdef LIF_MUT_RECUR
    // Mutation: the recurrent input reads the wrong step's spike list.
    wire rec_buf = par;
`else
    wire rec_buf = ~par;
`endif
    wire [WMEM_AW-1:0] fifo_head = fifo_q[fifo_rd];
    wire f_issue = f_act && f_nz && f_cred[0];
    // thermometer counters (0..4 ones): up shifts a one in, down shifts one out
    function [3:0] therm;
        input [3:0] t;
        input up, down;
        begin
            therm = (up && !down) ? {t[2:0], 1'b1} : (down && !up) ? {1'b0, t[3:1]} : t;
        end
    endfunction
    wire [WMEM_AW-1:0] f_in_x = pad_w_in(in_rdata);
    wire [WMEM_AW-1:0] f_sp_x = pad_w_sp(sp_rdata);
    wire st_more = st_v && !st_lw;
    // A row of fewer than 3 words is followed by 3 - words bubbles, so the same accumulator word
    // is read at least 3 clocks after its previous read (read, register, add and write).
    // pop_ok = !st_more && gap_q == 0 && !(st_v && c_rowgap), registered from the next state.
    reg  pop_ok;
    wire st_pop  = pop_ok && fifo_n[0];
    reg              st_v_n, st_lw_n, st_l2_n;
    reg [1:0]        gap_n;
    // No state gating: st_v is only set, and the FIFO only filled, in S_SYN (which ends empty).
    always @* begin
        st_v_n = st_more | st_pop;
        // the last-word test is registered a word ahead (st_l2), so no compare sits behind
        // st_lw_n (and pop_ok)
        st_lw_n = st_more ? st_l2 : st_pop ? c_wpr0 : st_lw;
        st_l2_n = st_more ? (st_w == c_wpr_m3) : st_pop ? c_wpr1 : st_l2;
        gap_n = gap_q;
        if (st_v && st_lw && c_rowgap) gap_n = 2'd1 - {1'b0, c_wpr_m1[0]};
        else if (!st_more && gap_q != 2'd0) gap_n = gap_q - 1'b1;
    end

    lif_neuron #(.SMAX(SMAX), .ACC_W(ACC_W), .DECAY_MAC(DECAY_MAC)) u_neuron (
        .clk_i(clk_i), .rst_i(rst_i),
        .readout_i(c_readout), .subtract_i(c_sub), .refr_i(c_refr), .hi_i(c_hi), .lo_i(c_lo),
        .shift_i(c_shift), .leak_i_i(c_leak_i), .leak_v_i(c_leak_v), .thr_i(c_thr), .first_i(first_q),
        .valid_i(nu_v), .cur_i(nu_cur), .acc_i(nu_acc),
        .rdv_o(n_rdv), .mem_i(nu_mem), .refc_i(nu_r), .rds_o(n_rds), .stat_i(nu_stat),
        .ivalid_o(ni_v), .icur_o(ni_cur),
        .valid_o(no_v), .valid_w_o(no_vw), .vspike_o(no_vs), .cur_o(no_cur), .mem_o(no_mem), .refc_o(no_r),
        .spike_o(no_spike), .stat_o(no_stat)
    );

    // ---------------------------------------------------------------- memory port muxes
    // Selects are state bits; addresses are registers (counters or the registered host address).
    always @* begin
        st_raddr = idle_m ? hq_addr[NEUR_AW+1:2] : n_ga;
        st_raddr_v = idle_m ? hq_addr[NEUR_AW+1:2] : n_gv;
        st_raddr_s = idle_m ? hq_addr[NEUR_AW+1:2] : n_gs;
        st_waddr = idle_m ? hq_addr[NEUR_AW+1:2] : s_clear ? clr_a : st_wa;
        st_waddr_i = idle_m ? hq_addr[NEUR_AW+1:2] : s_clear ? clr_a : st_wai;
        if (idle_m) begin
            st_wi = hq_wdata[SMAX-1:0]; st_wv = hq_wdata[SMAX-1:0];
            st_wr = hq_wdata[3:0];      st_ws = hq_wdata[SMAX-1:0];
        end else if (s_clear) begin
            st_wi = {SMAX{1'b0}}; st_wv = {SMAX{1'b0}}; st_wr = 4'd0; st_ws = {SMAX{1'b0}};
        end else begin
            st_wi = ni_cur; st_wv = no_mem; st_wr = no_r; st_ws = no_stat;
        end
        // hq_wst only while idle, no_v only in a neuron pass
        st_we_i = hq_wst[0] | s_clear | ni_v;
        st_we_v = hq_wst[1] | s_clear | no_vw;
        st_we_r = hq_wst[2] | s_clear | no_vw;
        st_we_s = hq_wst[3] | s_clear | no_vw;
        prm_raddr = idle_m ? {hq_addr[LYW+3:4], hq_addr[2:0]} : {layer_q, ld_cnt[2:0]};
        x_raddr = idle_m ? hq_addr[IN_AW-1:0] : enc_j[IN_AW-1:0];
        acc_raddr = s_syn ? pr_a : n_word;
    end
    assign sp_raddr = {f_buf, f_ga};
    assign sp_we    = no_vs;
    assign sp_waddr = {par, sp_wa};
    assign sp_wdata = no_idx;
    assign in_raddr = f_k[IN_AW-1:0];
    assign f_cnt_rec = pad_fk_sz(f_sp_rec);
    // n_lsel rotates in every issue clock, so in the clock after an issue it is one lane on
    assign n_lsel1 = rotr1(n_lsel);

    function [SMAX-1:0] sat_hi; // 2^(S-1) - 1 for state width s
        input [4:0] s;
        integer b;
        begin
            for (b = 0; b < SMAX; b = b + 1) sat_hi[b] = ({27'd0, s} > b + 1);
        end
    endfunction
    function [LB-1:0] lane_of;
        input [SZW-1:0] i;
        begin
            lane_of = (LANES == 1) ? {LB{1'b0}} : i[LB-1:0];
        end
    endfunction

    // ---------------------------------------------------------------- FSM next state
    // Each state bit has its own sum of products of state bits and registered conditions.
    wire start_q   = s_idle & run_start_i;
    reg  clr_fin;  // the last clock of the clear pass (registered: clr_q reaches -1)
    reg  end_enc, end_ev; // a step end continues in intensity / event mode (registered)
    wire ev_fin    = s_in_ev & ev_valid_i & ev_eos_i;
    reg  enc_fin;  // registered: the encoder has drained (one clock after)
    wire ld_fin    = s_load & ld_cnt[3];
    wire syn_fin   = s_syn & syn_idle_q;
    wire neu_fin   = s_neu & n_end;
    wire drain_fin = no_end; // only ever set in S_DRAIN
    always @(posedge clk_i) begin
        state_q[Q_IDLE]   <= (s_idle & ~run_start_i) | (s_end & sl_one_q);
        idle_m            <= (s_idle & ~run_start_i) | (s_end & sl_one_q);
        state_q[Q_CLEAR]  <= (start_q & run_clear_i) | (s_clear & ~clr_fin);
        clr_fin <= s_clear & (clr_q == {(NEUR_AW+1){1'b0}});
        state_q[Q_IN_EV]  <= (start_q & ~run_clear_i & ~run_mode_i) | (clr_fin & ~mode_q)
                           | (s_end & end_ev) | (s_in_ev & ~ev_fin);
        state_q[Q_IN_ENC] <= (start_q & ~run_clear_i & run_mode_i) | (clr_fin & mode_q)
                           | (s_end & end_enc) | (s_enc & ~enc_fin);
        end_enc <= ~sl_one_q & mode_q;
        end_ev  <= ~sl_one_q & ~mode_q;
        state_q[Q_LOAD]   <= ev_fin | enc_fin | (drain_fin & ~c_last_q) | (s_load & ~ld_fin);
        state_q[Q_SYN]    <= ld_fin | (s_syn & ~syn_fin);
        state_q[Q_NEU]    <= syn_fin | (s_neu & ~neu_fin);
        state_q[Q_DRAIN]  <= neu_fin | (s_drain & ~drain_fin);
        state_q[Q_END]    <= drain_fin & c_last_q;
        // layer index and parameter load counter
        if (s_in_ev | s_enc) layer_q <= {LYW{1'b0}};
        else if (drain_fin) layer_q <= layer_q + 1'b1;
        if (s_load) ld_cnt <= ld_cnt + 1'b1;
        else ld_cnt <= 4'd0;
        ld_oh <= s_load ? {ld_oh[7:0], 1'b0} : 9'd1;
        if (rst_i) begin state_q <= O_IDLE; idle_m <= 1'b1; clr_fin <= 1'b0; end
    end

    // ---------------------------------------------------------------- main sequential logic
    assign ev_ready_o = s_in_ev;
    wire in_beat = ev_valid_i && s_in_ev;

    always @(posedge clk_i) begin
        step_done_o <= 1'b0;
        done_o <= 1'b0;
        // flags computed a cycle ahead of their use
        sl_one_q <= (steps_left_q == 32'd1);
        step_c_q <= {&step_q[23:0], &step_q[15:0], &step_q[7:0], 1'b1};
        sl_b_q <= {~|steps_left_q[23:0], ~|steps_left_q[15:0], ~|steps_left_q[7:0], 1'b1};
        c_l0 <= (layer_q == {LYW{1'b0}});
        c_last_q <= ({1'b0, layer_q} == num_layers_q - 1'b1);
        nin_m2_q <= {1'b0, num_inputs_q} - 1'b1 - 1'b1;
        idx_prev_q <= {layer_q - 1'b1, par};
        idx_rec_q <= {layer_q, rec_buf};
        syn_idle_q <= s_syn && syn_idle;
        no_end <= s_drain && no_v && ({1'b0, no_idx} == c_size_m1); // = drain_fin next clock

        // host register writes (idle only)
        if (hq_wnl) num_layers_q <= hq_wdata[LYW:0];
        if (hq_wni) num_inputs_q <= hq_wdata[INW-1:0];
        if (hq_wseed) seed_q <= hq_wdata;

        // loaded in every idle clock: the start clock's values are kept
        if (s_idle) begin
            steps_left_q <= run_steps_i;
            mode_q <= run_mode_i;
            clr_q <= CLR_INIT;
            clr_a <= {NEUR_AW{1'b0}};
        end
        if (s_clear) begin
            clr_q <= clr_q - 1'b1;
            clr_a <= clr_a + 1'b1;
            if (clr_fin) begin
                step_q <= 32'd0;
                first_q <= 1'b1;
            end
        end
        begin
            // ld_cnt 0..7 issue reads, 1..8 capture; each capture is enabled by its own bit of
            // the one-hot ld_oh (set only inside S_LOAD for k = 1..8), so no count decode sits in
            // front of the enables
            if (ld_oh[1]) begin
                c_readout <= prm_rdata[0]; c_rec <= prm_rdata[1]; c_sub <= prm_rdata[2];
                c_pk <= prm_rdata[3];
                c_refr <= prm_rdata[7:4]; c_sbits <= prm_rdata[12:8];
                c_wsh <= 3'd0 - prm_rdata[18:16]; c_shift <= prm_rdata[28:24];
                f_sp_prev <= sp_cnt_q[idx_prev_q];
                // the first step of a sample has no previous spikes (the counts are not cleared)
                f_sp_rec <= first_q ? {SZW{1'b0}} : sp_cnt_q[idx_rec_q];
            end
            if (ld_oh[2]) begin
                c_size_m1 <= prm_rdata[SZW-1:0] - 1'b1;
                for (ks = 0; ks < 8; ks = ks + 1) begin
                    c_wlow[ks] <= ({29'd0, c_wsh} < 8 - ks);
                    c_wsgn[ks] <= ({29'd0, c_wsh} == 7 - ks);
                end
                c_hi <= sat_hi(c_sbits);
                c_lo <= ~sat_hi(c_sbits);
                f_cnt_ff <= c_l0 ? pad_fk_in(in_cnt_q) : pad_fk_sz(f_sp_prev);
            end
            if (ld_oh[3]) begin
                c_leak_i <= {1'b0, prm_rdata[11:0]}; c_leak_v <= {1'b0, prm_rdata[27:16]};
                c_wpr_m1 <= c_size_m1[SZW-2:LSH];
                for (ks = 0; ks < LANES; ks = ks + 1)
                    c_lastmask[ks] <= (ks[LB-1:0] <= lane_of(c_size_m1));
                c_size_m2 <= c_size_m1 - 1'b1;
                c_size0 <= (c_size_m1 == {SZW{1'b0}});
                f_ff_nz <= (f_cnt_ff != {FKW{1'b0}});
                f_rec_nz <= (f_cnt_rec != {FKW{1'b0}});
            end
            if (ld_oh[4]) begin
                // DECAY_MAC: 4096 - λ from the register a clock after the capture (no carry
                // chain behind the parameter memory's output)
                if (DECAY_MAC != 0) begin
                    c_leak_i <= 13'd4096 - c_leak_i;
                    c_leak_v <= 13'd4096 - c_leak_v;
                end
                c_thr <= prm_rdata[SMAX-1:0];
                c_wpr_m3 <= c_wpr_m1 - AA_TWO[AA-1:0];
                c_wpr1 <= (c_wpr_m1 == AA_ONE[AA-1:0]);
                c_wpr0 <= (c_wpr_m1 == {AA{1'b0}});
                c_rowgap <= (c_wpr_m1 < 2);
            end
            if (ld_oh[5]) c_wbase <= prm_rdata[WMEM_AW-1:0];
            if (ld_oh[6]) c_rbase <= prm_rdata[WMEM_AW-1:0];
            if (ld_oh[7]) c_rowsh <= prm_rdata[4:0];
            if (ld_oh[8]) c_sbase <= prm_rdata[NEUR_AW-1:0];
        end
        if (s_load) begin
            // the fetcher's start values, loaded in every parameter-load clock (final by the
            // last one); it starts with the synaptic pass
            f_act <= ld_cnt[3];
            f_ph1 <= 1'b0;
            f_k <= {FKW{1'b0}};
            f_left <= f_cnt_ff;
            f_nz <= f_ff_nz;
            f_ga <= c_prev_sbase;
            f_buf <= par;
        end
        // fetcher: f_act is set from the end of the parameter load to the end of the lists (all
        // within S_SYN). Phase changes never fall in a clock that issues (f_issue needs f_nz).
        begin
            if (f_act && !f_nz) begin
                f_k <= {FKW{1'b0}};
                if (!f_ph1 && c_rec) begin
                    f_ph1 <= 1'b1;
                    f_left <= f_cnt_rec;
                    f_nz <= f_rec_nz;
                    f_ga <= c_sbase;
                    f_buf <= rec_buf;
                end else begin
                    f_act <= 1'b0;
                end
            end
            if (f_issue) begin
                f_k <= f_k + 1'b1;
                f_left <= f_left - 1'b1;
                f_nz <= (f_left != {{(FKW-1){1'b0}}, 1'b1});
                f_ga <= f_ga + 1'b1;
            end
        end
        if (s_syn) begin
            if (syn_idle_q) begin
                n_i <= {SZW{1'b0}};
                n_end <= c_size0;
                n_ga <= c_sbase;
                n_gv <= c_sbase;
                n_gs <= c_sbase;
                st_wa <= c_sbase;
                st_wai <= c_sbase;
                no_idx <= {LAYER_AW{1'b0}};
                sp_wa <= c_sbase;
                n_word <= {AA{1'b0}};
                n_lsel <= {{(LANES-1){1'b0}}, 1'b1};
                sp_n_q <= {SZW{1'b0}};
            end
        end
        if (s_neu) begin
            n_i <= n_i + 1'b1;
            n_end <= (n_i == c_size_m2);
            n_ga <= n_ga + 1'b1;
            n_lsel <= rotl1(n_lsel);
            if (n_lsel[LANES-1]) n_word <= n_word + 1'b1;
        end
        if (n_rdv) n_gv <= n_gv + 1'b1;
        if (n_rds) n_gs <= n_gs + 1'b1;
        if (ni_v) st_wai <= st_wai + 1'b1;
        if (no_v) begin
            st_wa <= st_wa + 1'b1;
            no_idx <= no_idx + 1'b1;
        end
        if (no_vs) begin
            sp_n_q <= sp_n_q + 1'b1;
            sp_wa <= sp_wa + 1'b1;
        end
        for (ks = 0; ks < (2<<LYW); ks = ks + 1) begin
            sp_sel_q[ks] <= ({layer_q, par} == ks[LYW:0]);
            if (drain_fin && sp_sel_q[ks]) sp_cnt_q[ks] <= sp_n_q;
        end
        if (drain_fin) c_prev_sbase <= c_sbase;
        if (s_end) begin
            step_done_o <= 1'b1;
            // 32-bit counters as four bytes, each with its carry / borrow registered
            for (ks = 0; ks < 4; ks = ks + 1) begin
                if (step_c_q[ks]) step_q[8*ks +: 8] <= step_q[8*ks +: 8] + 1'b1;
                if (sl_b_q[ks]) steps_left_q[8*ks +: 8] <= steps_left_q[8*ks +: 8] - 1'b1;
            end
            first_q <= 1'b0;
            if (sl_one_q) done_o <= 1'b1;
        end

        if (rst_i) begin
            num_layers_q <= NLAYERS_INIT[LYW:0];
            num_inputs_q <= NINPUTS_INIT[INW-1:0];
            seed_q <= SEED_INIT;
            step_q <= 32'd0;
            first_q <= 1'b1;
            no_end <= 1'b0;
            f_act <= 1'b0;
            syn_idle_q <= 1'b0;
        end
    end

    // ---------------------------------------------------------------- input pass
    // Event beats or encoder draws append to the input spike list. The encoder registers are
    // held at zero outside S_IN_ENC. Issue intensity reads j = 0..N0-1; one draw per byte.
    wire in_inc = (in_beat & ~ev_eos_i) | enc_s3;
    always @(posedge clk_i) begin
        in_we <= in_inc;
        in_spike_o <= in_inc;
        in_wdata <= s_in_ev ? ev_index_i[IN_AW-1:0] : enc_k;
        if (s_idle | s_end) in_cnt_q <= {INW{1'b0}};
        else if (in_we) in_cnt_q <= in_cnt_q + 1'b1;
        // enc_rem = N0 - 2 - enc_j: negative at the last input
        if (!s_enc) begin
            enc_j <= {INW{1'b0}};
            enc_rem <= nin_m2_q;
            enc_done <= 1'b0;
        end else if (!enc_done) begin
            enc_j <= enc_j + 1'b1;
            enc_rem <= enc_rem - 1'b1;
            if (enc_rem[INW]) enc_done <= 1'b1;
        end
        enc_v1 <= s_enc & ~enc_done;
        enc_fin <= s_enc & enc_done & !enc_v1 & !enc_v2 & !enc_v3 & !enc_fin;
        enc_v2 <= s_enc & enc_v1;
        enc_d2 <= lfsr_next[7:0];
        enc_x2 <= x_rdata;
        enc_s3 <= s_enc & enc_v2 & (enc_d2 < enc_x2);
        enc_v3 <= s_enc & enc_v2;
        // draws reach the compare in issue order, one per input: the count is the input index
        if (!s_enc) enc_k <= {IN_AW{1'b0}};
        else if (enc_v3) enc_k <= enc_k + 1'b1;
        // seed load in two clocks, so no mux sits behind the LFSR logic: zero, then
        // next(0) ^ seed = seed (the first draw is at least two clocks after the clear pass)
        seed_ld <= clr_fin;
        if (clr_fin) lfsr_q <= 32'd0;
        else if (seed_ld | enc_v1) lfsr_q <= lfsr_next ^ ({32{seed_ld}} & seed_q);
        if (rst_i) begin
            in_we <= 1'b0; in_spike_o <= 1'b0;
            enc_v1 <= 1'b0; enc_v2 <= 1'b0; enc_v3 <= 1'b0; enc_s3 <= 1'b0; enc_fin <= 1'b0;
        end
    end

    // ---------------------------------------------------------------- synaptic pass datapath
    always @(posedge clk_i) begin
        // fetcher: list read returns one cycle after issue
        f_v1 <= f_issue && s_syn;
        f_rec1 <= f_ph1;
        f_src1 <= !f_ph1 && c_l0;
        // FIFO
        f_v2 <= f_v1; f_rec2 <= f_rec1;
        f_src2 <= f_src1;
        f_sh2i <= f_in_x << c_rowsh[1:0];
        f_sh2s <= f_sp_x << c_rowsh[1:0];
        f_v3 <= f_v2; f_rec3 <= f_rec2;
        f_sh3 <= (f_src2 ? f_sh2i : f_sh2s) << {c_rowsh[4:2], 2'b00};
        f_v4 <= f_v3;
        f_sh4 <= (f_rec3 ? c_rbase : c_wbase) + f_sh3;
        if (f_v4) begin
            fifo_q[fifo_wr] <= f_sh4;
            fifo_wr <= fifo_wr + 1'b1;
        end
        // st_pop and f_issue are only ever true in S_SYN (the FIFO is empty elsewhere)
        if (st_pop) fifo_rd <= fifo_rd + 1'b1;
        fifo_n <= therm(fifo_n, f_v4, st_pop);
        f_cred <= therm(f_cred, st_pop, f_issue);
        // streamer
        st_v <= st_v_n; st_lw <= st_lw_n; st_l2 <= st_l2_n; gap_q <= gap_n;
        pop_ok <= c_rowgap ? (!st_v_n && gap_n == 2'd0) : (!st_v_n || st_lw_n);
        // st_w counts lane-cycles (accumulator words); a packed word serves two of them (low
        // nibbles, then high), so the weight address advances after the odd one
        if (st_more) begin
            st_w <= st_w + 1'b1;
            if (!c_pk || st_w[0]) begin
                wa_q <= wa_q + 1'b1;
            end
        end else if (st_pop) begin
            st_w <= {AA{1'b0}};
            wa_q <= fifo_head;
        end
        // add pipeline: p1 (weight word on the memory output), pr (word registered, extended,
        // accumulator read issued), pb (extended weights registered, accumulator word on the RAM
        // output, add), p2 (sum registered, written back)
        p1_v <= st_v; p1_a <= st_w; p1_m <= st_lw ? c_lastmask : {LANES{1'b1}};
`ifdef LIF_MUT_PACK
        // Mutation: the halves of a packed byte are swapped (high nibble first).
        p1_h <= c_pk & ~st_w[0];
`else
        p1_h <= c_pk & st_w[0];
`endif
        pr_v <= p1_v; pr_a <= p1_a; pr_m <= p1_m; pr_w <= w_rdata;
        pr_slo <= p1_h ? 8'd0 : c_wlow;
        pr_shi <= p1_h ? c_wlow[3:0] : 4'd0;
        pr_sgn <= p1_h ? {c_wsgn[3:0], 4'd0} : c_wsgn;
        pr_sx  <= p1_h ? {4'hF, ~c_wlow[3:0]} : ~c_wlow;
        pb_v <= pr_v; pb_a <= pr_a; pb_wx <= pr_wx;
        // p2 also carries the clearing writes (clear pass; neuron pass after a word's last lane)
        p2_v <= pb_v | s_clear | (n_v1 & n_last1);
        p2_a <= pb_v ? pb_a : s_clear ? clr_a[AA-1:0] : n_word1;
        if (pb_v) p2_sum <= pb_sum;
        else p2_sum <= {(LANES*ACC_W){1'b0}};
        if (rst_i || !s_syn) begin
            f_v1 <= 1'b0; f_v2 <= 1'b0; f_v3 <= 1'b0; f_v4 <= 1'b0;
            fifo_rd <= 2'd0; fifo_wr <= 2'd0; fifo_n <= 4'd0; f_cred <= 4'b1111;
        end
        if (rst_i) begin
            st_v <= 1'b0; p1_v <= 1'b0; pr_v <= 1'b0; pb_v <= 1'b0; p2_v <= 1'b0; gap_q <= 2'd0; pop_ok <= 1'b0;
        end
    end

    // ---------------------------------------------------------------- neuron pass datapath
    // lane select of the accumulator word as a parallel AND-OR with a one-hot lane register
    reg [ACC_W-1:0] acc_lane;
    integer kl;
    always @* begin
        acc_lane = {ACC_W{1'b0}};
        for (kl = 0; kl < LANES; kl = kl + 1)
            if (n_lsel1[kl]) acc_lane = acc_lane | acc_rdata[kl*ACC_W +: ACC_W];
    end
    always @(posedge clk_i) begin
        n_v1 <= s_neu;
        n_word1 <= n_word;
        nu_v <= n_v1;
        nu_cur <= st_ri; nu_mem <= st_rv; nu_r <= st_rr; nu_stat <= st_rs;
        n_last1 <= n_lsel[LANES-1] || n_end;
        nu_acc <= acc_lane;
        if (rst_i) begin n_v1 <= 1'b0; nu_v <= 1'b0; end
    end

    // ---------------------------------------------------------------- outputs
    // The update stream is the neuron's output registers, as the state writes see them (the
    // layer index changes only after the pass's last neuron).
    assign upd_valid_o = no_v;
    assign upd_layer_o = {{(4-LYW){1'b0}}, layer_q};
    assign upd_index_o = {{(16-LAYER_AW){1'b0}}, no_idx};
    assign upd_i_o = {{(32-SMAX){no_cur[SMAX-1]}}, no_cur};
    assign upd_v_o = {{(32-SMAX){no_mem[SMAX-1]}}, no_mem};
    assign upd_spike_o = no_spike;
    assign upd_refr_o = no_r;

    // host reads: the registered request reads the memories (hr_v1: data on the RAM outputs);
    // every RAM output is registered before any logic (hr_v2: the registers pr_w, nu_*, enc_x2,
    // which load every clock), then the one-hot source selects, registered alongside, pick the
    // data as an AND-OR into host_rdata_o. On ECP5 a block RAM output has a 5.6 ns clock-to-q,
    // so no mux may follow it in the same clock (docs/rtl.md, "Timing structure"). The small
    // parameter memory is the exception: its output meets one AND-OR LUT into hr_reg together
    // with the register file (ECP5 keeps it in distributed RAM up to 1 Kbit, LAYERS_MAX <= 4).
    reg        hr_v1, hr_v2;
    reg [31:0] hr_reg;   // register file or parameter word (zero for other regions)
    reg [5:0]  hs_rsel;  // hq_rsel a clock later: the register file is read in the second stage
    reg        hs_reg, hs_prm, hs_i, hs_v, hs_r, hs_s, hs_x;
    reg        hs2_i, hs2_v, hs2_r, hs2_s, hs2_x;
    reg [CHUNKS-1:0] hs_w, hs2_w;
    reg [31:0] hr_w;
    integer kc;
    always @* begin
        hr_w = 32'd0;
        for (kc = 0; kc < CHUNKS; kc = kc + 1)
            if (hs2_w[kc]) hr_w = hr_w | wchunk(pr_w, kc[CSH:0]);
    end
    always @(posedge clk_i) begin
        hr_v1 <= hq_rd;
        hs_reg <= (hq_addr[23:20] == 4'd0);
        hs_prm <= (hq_addr[23:20] == 4'd1);
        for (kc = 0; kc < CHUNKS; kc = kc + 1)
            hs_w[kc] <= (hq_addr[23:20] == 4'd2) && (hq_chunk == kc[CSH:0]);
        hs_i <= (hq_addr[23:20] == 4'd3) && (hq_addr[1:0] == 2'd0);
        hs_v <= (hq_addr[23:20] == 4'd3) && (hq_addr[1:0] == 2'd1);
        hs_r <= (hq_addr[23:20] == 4'd3) && (hq_addr[1:0] == 2'd2);
        hs_s <= (hq_addr[23:20] == 4'd3) && (hq_addr[1:0] == 2'd3);
        hs_x <= (hq_addr[23:20] == 4'd4);
        hs_rsel <= hq_rsel;
        // second stage: the RAM outputs registered (pr_w, nu_cur, nu_mem, nu_r, nu_stat, enc_x2
        // are loaded from them every clock elsewhere), selects and register data follow
        hr_v2 <= hr_v1;
        // the registers change only by host writes (idle) and runs (no grant while busy), so
        // reading them a clock after the request sees the same values
        hr_reg <= ({32{hs_reg}} & (({32{hs_rsel[0]}} & 32'h4C49_4601)
                | ({32{hs_rsel[1]}} & {10'd0, 1'b1, LAYERS_MAX[4:0], ACC_W[5:0], SMAX[4:0], LANES[4:0]})
                | ({32{hs_rsel[2]}} & {{(31-LYW){1'b0}}, num_layers_q})
                | ({32{hs_rsel[3]}} & {{(32-INW){1'b0}}, num_inputs_q})
                | ({32{hs_rsel[4]}} & seed_q)
                | ({32{hs_rsel[5]}} & step_q)))
                | ({32{hs_prm}} & prm_rdata);
        hs2_w <= hs_w;
        hs2_i <= hs_i; hs2_v <= hs_v; hs2_r <= hs_r; hs2_s <= hs_s; hs2_x <= hs_x;
        host_rvalid_o <= hr_v2;
        host_rdata_o <= hr_reg
                      | hr_w
                      | ({32{hs2_i}} & {{(32-SMAX){nu_cur[SMAX-1]}}, nu_cur})
                      | ({32{hs2_v}} & {{(32-SMAX){nu_mem[SMAX-1]}}, nu_mem})
                      | ({32{hs2_r}} & {28'd0, nu_r})
                      | ({32{hs2_s}} & {{(32-SMAX){nu_stat[SMAX-1]}}, nu_stat})
                      | ({32{hs2_x}} & {24'd0, enc_x2});
        if (rst_i) begin hr_v1 <= 1'b0; hr_v2 <= 1'b0; host_rvalid_o <= 1'b0; end
    end

    // zero-extension helpers (pad wide, then slice, so no width is ever zero)
    function [FKW-1:0] pad_fk_in;
        input [INW-1:0] i;
        reg [FKW+INW-1:0] t;
        begin
            t = {{FKW{1'b0}}, i};
            pad_fk_in = t[FKW-1:0];
        end
    endfunction
    function [FKW-1:0] pad_fk_sz;
        input [SZW-1:0] i;
        reg [FKW+SZW-1:0] t;
        begin
            t = {{FKW{1'b0}}, i};
            pad_fk_sz = t[FKW-1:0];
        end
    endfunction

    function [WMEM_AW-1:0] pad_w_in; // an input index, zero-extended or cut to WMEM_AW bits
        input [IN_AW-1:0] i;
        reg [WMEM_AW+IN_AW-1:0] t;
        begin
            t = {{WMEM_AW{1'b0}}, i};
            pad_w_in = t[WMEM_AW-1:0];
        end
    endfunction
    function [WMEM_AW-1:0] pad_w_sp; // a spike index, zero-extended or cut to WMEM_AW bits
        input [LAYER_AW-1:0] i;
        reg [WMEM_AW+LAYER_AW-1:0] t;
        begin
            t = {{WMEM_AW{1'b0}}, i};
            pad_w_sp = t[WMEM_AW-1:0];
        end
    endfunction

    function [LANES-1:0] rotl1; // rotate a one-hot lane select by one lane
        input [LANES-1:0] x;
        integer b;
        begin
            for (b = 0; b < LANES; b = b + 1) rotl1[b] = x[(b + LANES - 1) % LANES];
        end
    endfunction

    function [LANES-1:0] rotr1; // the inverse of rotl1
        input [LANES-1:0] x;
        integer b;
        begin
            for (b = 0; b < LANES; b = b + 1) rotr1[b] = x[(b + 1) % LANES];
        end
    endfunction

    function [31:0] wchunk;
        input [WW-1:0] w;
        input [CSH:0] c;
        reg [32*CHUNKS-1:0] wide;
        begin
            wide = {{(32*CHUNKS-WW){1'b0}}, w};
            wchunk = wide[32*c +: 32];
        end
    endfunction
endmodule
