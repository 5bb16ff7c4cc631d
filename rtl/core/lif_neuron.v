`default_nettype none
// lif_neuron: the pipelined neuron update of rules S-7, S-9, S-10 and S-11, one neuron per clock,
// five register stages. Mirrors sim (layerState.update, Decay, Saturate).
//
//   in  -> s1: decay products x*leak (lif_decay, exact, floor shift)
//   s1  -> s2: decayed I and V (x - q)
//   s2  -> s3: I' = sat_S(decay(I) + (acc << H))                      [S-9]
//   s3  -> s4: v  = sat_S(decay(V) + I')                              [S-10, S-11]
//   s4  -> out: refractory / spike (v >= theta) / reset / r <- P / statistic
//
// Layer parameters must be stable while a pass is in flight. State values are S-bit two's
// complement numbers sign-extended to SMAX bits.
module lif_neuron #(
    parameter integer SMAX  = 16, // stored state width, 8..24
    parameter integer ACC_W = 32, // accumulator width, 8..32
    parameter integer IW    = 16  // neuron index width carried along, >= 1
) (
    input  wire                    clk_i,
    input  wire                    rst_i,
    // layer parameters
    input  wire                    readout_i,   // readout layer (S-11), else lif (S-10)
    input  wire                    subtract_i,  // reset by subtraction, else to zero
    input  wire [3:0]              refr_i,      // refractory period P
    input  wire [4:0]              sbits_i,     // state width S, 8..SMAX
    input  wire [4:0]              shift_i,     // weight shift H
    input  wire [11:0]             leak_i_i,    // current leak
    input  wire [11:0]             leak_v_i,    // membrane leak
    input  wire signed [SMAX-1:0]  thr_i,       // threshold, >= 1
    input  wire                    first_i,     // first step of the sample (readout max resets)
    // neuron in
    input  wire                    valid_i,
    input  wire [IW-1:0]           idx_i,
    input  wire signed [SMAX-1:0]  cur_i,
    input  wire signed [SMAX-1:0]  mem_i,
    input  wire [3:0]              refc_i,
    input  wire signed [SMAX-1:0]  stat_i,      // spike count (lif) or max V (readout)
    input  wire signed [ACC_W-1:0] acc_i,
    // neuron out
    output reg                     valid_o,
    output reg  [IW-1:0]           idx_o,
    output reg  signed [SMAX-1:0]  cur_o,
    output reg  signed [SMAX-1:0]  mem_o,
    output reg  [3:0]              refc_o,
    output reg                     spike_o,
    output reg  signed [SMAX-1:0]  stat_o
);
    localparam integer XW = 36; // wide enough for any sum before saturation

    // sat_S bounds for the run-time state width S.
    wire signed [XW-1:0] hi = (({{(XW-1){1'b0}}, 1'b1}) <<< (sbits_i - 5'd1)) - 1;
    wire signed [XW-1:0] lo = -hi - 1;

    function signed [SMAX-1:0] sat;
        input signed [XW-1:0] x;
        input signed [XW-1:0] h;
        input signed [XW-1:0] l;
        begin
            if (x > h) sat = h[SMAX-1:0];
            else if (x < l) sat = l[SMAX-1:0];
            else sat = x[SMAX-1:0];
        end
    endfunction

    // stage 1: decay products
    wire signed [SMAX-1:0] qi, qv;
    lif_decay #(.W(SMAX)) u_dec_i (.x_i(cur_i), .leak_i(leak_i_i), .q_o(qi));
    lif_decay #(.W(SMAX)) u_dec_v (.x_i(mem_i), .leak_i(leak_v_i), .q_o(qv));

    reg                    v1, v2, v3, v4;
    reg [IW-1:0]           i1, i2, i3, i4;
    reg signed [SMAX-1:0]  cur1, mem1, qi1, qv1, stat1, stat2, stat3, stat4;
    reg signed [ACC_W-1:0] acc1, acc2;
    reg [3:0]              r1, r2, r3, r4;
    reg signed [SMAX:0]    di2, dv2;          // decayed I, V (cannot overflow, kept 1 bit wider)
    reg signed [SMAX-1:0]  dv3, cur3, cur4, vs4;

    // The membrane of a refractory neuron is frozen: carry the stored V along.
    reg signed [SMAX-1:0] mem2_hold, mem3_hold, mem4_hold;
    always @(posedge clk_i) begin
        mem2_hold <= mem1;
        mem3_hold <= mem2_hold;
        mem4_hold <= mem3_hold;
    end

    // stage 3 arithmetic
    wire signed [XW-1:0] accsh = {{(XW-ACC_W){acc2[ACC_W-1]}}, acc2} <<< shift_i;
    wire signed [XW-1:0] isum  = {{(XW-SMAX-1){di2[SMAX]}}, di2} + accsh;
`ifdef LIF_MUT_NOSAT
    // Mutation: the current wraps instead of saturating.
    wire signed [SMAX-1:0] inew = $signed((isum[SMAX-1:0] << (SMAX[4:0] - sbits_i))) >>> (SMAX[4:0] - sbits_i);
`else
    wire signed [SMAX-1:0] inew = sat(isum, hi, lo);
`endif
    // stage 4 arithmetic
    wire signed [XW-1:0] vsum = {{(XW-SMAX){dv3[SMAX-1]}}, dv3} + {{(XW-SMAX){cur3[SMAX-1]}}, cur3};
    wire signed [SMAX-1:0] vnew = sat(vsum, hi, lo);
    // stage 5 decisions
    wire frozen = !readout_i && (r4 != 4'd0);
    wire fire   = !readout_i && !frozen && (vs4 >= thr_i);

    always @(posedge clk_i) begin
        // stage 1
        v1 <= valid_i; i1 <= idx_i; cur1 <= cur_i; mem1 <= mem_i; qi1 <= qi; qv1 <= qv;
        stat1 <= stat_i; acc1 <= acc_i; r1 <= refc_i;
        // stage 2
        v2 <= v1; i2 <= i1; stat2 <= stat1; acc2 <= acc1; r2 <= r1;
        di2 <= {cur1[SMAX-1], cur1} - {qi1[SMAX-1], qi1};
        dv2 <= {mem1[SMAX-1], mem1} - {qv1[SMAX-1], qv1};
        // stage 3
        v3 <= v2; i3 <= i2; stat3 <= stat2; r3 <= r2;
        cur3 <= inew;
        dv3 <= dv2[SMAX-1:0];
        // stage 4
        v4 <= v3; i4 <= i3; stat4 <= stat3; r4 <= r3; cur4 <= cur3;
        vs4 <= vnew;
        // stage 5
        valid_o <= v4; idx_o <= i4; cur_o <= cur4;
        spike_o <= fire;
        if (readout_i) begin
            mem_o  <= vs4;
            refc_o <= 4'd0;
            stat_o <= (first_i || vs4 > stat4) ? vs4 : stat4;
        end else if (frozen) begin
            mem_o  <= mem4_hold;
            refc_o <= r4 - 4'd1;
            stat_o <= stat4;
        end else if (fire) begin
            mem_o  <= subtract_i ? vs4 - thr_i : {SMAX{1'b0}};
            refc_o <= refr_i;
            stat_o <= stat4 + 1;
        end else begin
            mem_o  <= vs4;
            refc_o <= 4'd0;
            stat_o <= stat4;
        end
        if (rst_i) begin
            v1 <= 1'b0; v2 <= 1'b0; v3 <= 1'b0; v4 <= 1'b0; valid_o <= 1'b0;
        end
    end

endmodule
