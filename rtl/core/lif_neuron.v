`default_nettype none
// lif_neuron: the pipelined neuron update of rules S-7, S-9, S-10 and S-11, one neuron per clock,
// ten register stages. Mirrors sim (layerState.update, Decay, Saturate). Every stage holds at
// most one carry chain (or a short mux) between registers, for fmax on iCE40.
//
//   in -> s1: decay product qi = floor(I*leak/4096) (lif_decay); acc << H[1:0]
//   s1 -> s2: decayed I (I - qi); acc << H[4:2]                                [S-7, S-8]
//   s2 -> s3: isum = decay(I) + (acc << H)[SMAX+1:0] (SMAX+3 bits), and whether acc << H is
//             outside SMAX+2 bits (then isum is beyond every S-bit range: its sign decides)
//   s3 -> s4: partial overflow flags of isum (masked OR trees);
//             V and r arrive (mem_i, refc_i): decay product qv, zero when frozen
//   s4 -> s5: I' = sat_S(isum) (icur_o, written back from here); decayed V (V - qv)  [S-9]
//   s5 -> s6: vsum = decay(V) + I', or + 0 when frozen (exact, SMAX+1 bits)
//   s6 -> s7: overflow flags of vsum (masked OR trees)
//   s7 -> s8: v = sat_S(vsum); d = vsum - theta (hi - theta when saturated high)  [S-10, S-11]
//   s8 -> s9: the statistic arrives (stat_i); fire = (r == 0) & (d >= 0); frozen = (r != 0);
//             v > max in two halves; count + fire
//   s9 -> out: select V / r / statistic by fire, frozen, readout               [S-10]
//
// Only what a stage needs is carried: the core reads V and r for the neuron in stage 1 (rdv_o)
// and the statistic for the neuron in stage 6 (rds_o), two clocks (RAM, register) before they
// are used, and writes I from stage 5 (ivalid_o, icur_o); the neuron index is the core's
// counter. A frozen (refractory) neuron runs its stored V through the V path unchanged (decay
// product and current forced to 0): V lies within the S-bit range, so the saturation keeps it
// and no copy of V travels along the pipeline. cur_o repeats I' for the update stream only.
//
// Layer parameters must be stable while a pass is in flight. State values are S-bit two's
// complement numbers sign-extended to SMAX bits; hi_i/lo_i are sat_S's bounds for the layer.
module lif_neuron #(
    parameter integer SMAX  = 16, // stored state width, 8..24
    parameter integer ACC_W = 32, // accumulator width, 8..32
    parameter integer DECAY_MAC = 0 // 1: decays whole in a DSP with an adder (lif_decay_mac)
) (
    input  wire                    clk_i,
    input  wire                    rst_i,
    // layer parameters
    input  wire                    readout_i,   // readout layer (S-11), else lif (S-10)
    input  wire                    subtract_i,  // reset by subtraction, else to zero
    input  wire [3:0]              refr_i,      // refractory period P
    input  wire signed [SMAX-1:0]  hi_i,        // 2^(S-1) - 1
    input  wire signed [SMAX-1:0]  lo_i,        // -2^(S-1)
    input  wire [4:0]              shift_i,     // weight shift H
    input  wire [12:0]             leak_i_i,    // current leak λ_I; 4096 - λ_I if DECAY_MAC
    input  wire [12:0]             leak_v_i,    // membrane leak λ_V; 4096 - λ_V if DECAY_MAC
    input  wire signed [SMAX-1:0]  thr_i,       // threshold, >= 1
    input  wire                    first_i,     // first step of the sample (readout max resets)
    // neuron in: I and the accumulator with valid_i (stage 0)
    input  wire                    valid_i,
    input  wire signed [SMAX-1:0]  cur_i,
    input  wire signed [ACC_W-1:0] acc_i,
    output wire                    rdv_o,       // a neuron is in stage 1: read its V and r now
    input  wire signed [SMAX-1:0]  mem_i,       // V of the neuron in stage 3
    input  wire [3:0]              refc_i,      // r of the neuron in stage 3
    output wire                    rds_o,       // a neuron is in stage 6: read its statistic now
    input  wire signed [SMAX-1:0]  stat_i,      // spike count (lif) or max V (readout), stage 8
    // new current, five clocks ahead of valid_o
    output wire                    ivalid_o,
    output wire signed [SMAX-1:0]  icur_o,
    // neuron out
    output reg                     valid_o,
    (* keep *) output reg          valid_w_o,   // copy of valid_o (state write enables), kept apart
    output reg                     vspike_o,    // valid_o & spike_o (spike list writes)
    output reg  signed [SMAX-1:0]  cur_o,       // = icur_o five clocks later (update stream)
    output reg  signed [SMAX-1:0]  mem_o,
    output reg  [3:0]              refc_o,
    output reg                     spike_o,
    output reg  signed [SMAX-1:0]  stat_o
);
    localparam integer XW = 33; // |decay(I) + acc << H| < 2^24 + 2^31 (rule S-5)
    localparam integer VW = SMAX + 1;
    localparam integer IXW = SMAX + 3; // |decay(I)| < 2^SMAX plus |acc << H| < 2^(SMAX+1)

    // decays: decay(I) from stage 0 into di2, decay(V) from stage 3 into dv5 (0 for a frozen
    // neuron's decay product, so dv5 = V). DECAY_MAC = 0: products (lif_decay) then fabric
    // subtracts; 1: whole in the DSP (lif_decay_mac: input and output registers inside).
    wire signed [SMAX:0]   di2;                          // decay(I), one guard bit
    wire signed [SMAX-1:0] dv5;                          // decay(V) lies between 0 and V
    wire                   frz3;
    generate
        if (DECAY_MAC != 0) begin : g_mac
            wire signed [SMAX-1:0] di;
            lif_decay_mac #(.W(SMAX)) u_dec_i (.clk_i(clk_i), .x_i(cur_i), .keep_i(leak_i_i), .hold_i(1'b0), .d_o(di));
            lif_decay_mac #(.W(SMAX)) u_dec_v (.clk_i(clk_i), .x_i(mem_i), .keep_i(leak_v_i), .hold_i(frz3), .d_o(dv5));
            assign di2 = {di[SMAX-1], di};
        end else begin : g_sub
            // I: the DSP's output register holds the product (qi1); V: combinational, qv4 is
            // zeroed for a frozen neuron
            wire signed [SMAX-1:0] qi1, qv;
            reg signed [SMAX-1:0]  cur1, mem4, qv4, dv5_q;
            reg signed [SMAX:0]    di2_q;
            lif_decay #(.W(SMAX), .REG(1)) u_dec_i (.clk_i(clk_i), .x_i(cur_i), .leak_i(leak_i_i[11:0]), .q_o(qi1));
            lif_decay #(.W(SMAX), .REG(0)) u_dec_v (.clk_i(clk_i), .x_i(mem_i), .leak_i(leak_v_i[11:0]), .q_o(qv));
            always @(posedge clk_i) begin
                cur1 <= cur_i;                                          // stage 1
                di2_q <= {cur1[SMAX-1], cur1} - {qi1[SMAX-1], qi1};     // stage 2
                mem4 <= mem_i;                                          // stage 4
                qv4 <= frz3 ? {SMAX{1'b0}} : qv;
                dv5_q <= mem4 - qv4;                                    // stage 5
            end
            assign di2 = di2_q;
            assign dv5 = dv5_q;
            wire unused_leak = leak_i_i[12] ^ leak_v_i[12];
        end
    endgenerate

    reg [9:1]              v;          // valid per stage
    reg [3:0]              r4, r5, r6, r7, r8;
    reg signed [SMAX-1:0]  stn9;                         // statistic, + 1 on a spike
    reg signed [XW-1:0]    acc1;                         // acc << H[1:0]
    reg signed [XW-1:0]    accsh2;
    reg signed [IXW-1:0]   isum3;                        // decay(I) + low bits of acc << H
    reg                    aovf3, asgn3;                 // acc << H outside IXW-1 bits; its sign
    reg signed [SMAX-1:0]  isum4;                        // low bits of isum
    reg                    ih4, il4, inh4, inl4, isg4; // partial overflow flags
    reg                    ih4m, il4m, inh4m, inl4m;   // the same, cleared when frozen (cur5m)
    reg                    frz4;                         // frozen: lif and r != 0
    reg signed [SMAX-1:0]  cur5;                         // I'
    reg signed [SMAX-1:0]  cur5m;                        // I', 0 when frozen (the V path's input)
    reg signed [SMAX-1:0]  cur6, cur7, cur8, cur9;       // I' for cur_o only
    reg signed [SMAX-1:0]  vsum7;
    reg                    vpos7, vneg7;
    reg signed [VW-1:0]    vsum6;
    reg signed [SMAX-1:0]  vs8, vs9;
    reg signed [SMAX:0]    vd8;                          // vsum - theta (vsum within S bits)
    reg                    vpos8;
    reg                    fz8;                          // lif, r = 0, not below 0, not (saturated and hi < theta)
    reg                    fire9, frozen9;
    reg                    gth9, eqh9, gtl9;             // v > max as high / low half compares
    reg signed [SMAX:0]    hmt_q;                        // hi - theta (v saturated high)
    reg signed [SMAX-1:0]  sub9;                         // V after a spike
    reg [3:0]              rm9;                          // r - 1

    assign rdv_o = v[1];
    assign rds_o = v[6];
    assign ivalid_o = v[5];
    assign icur_o = cur5;

    // masks of the bits at and above S-1 (hi_i has ones below S-1, lo_i = ~hi_i)
    wire [SMAX-2:0]    imask = ~hi_i[SMAX-2:0];
    wire [SMAX-1:0]    vmask = ~hi_i;
    localparam integer HB = SMAX / 2;                    // split of the max compare
    wire signed [XW-1:0] acc_x = {{(XW-ACC_W){acc_i[ACC_W-1]}}, acc_i};

    // stage 3 arithmetic: an SMAX+3-bit add; a shifted accumulator beyond SMAX+2 bits saturates
    // the current whatever decay(I) is (|decay(I)| < 2^SMAX), so only its sign is kept.
    wire signed [IXW-1:0] isum = {{2{di2[SMAX]}}, di2} + {accsh2[SMAX+1], accsh2[SMAX+1:0]};
    wire [XW-SMAX-2:0] atop = accsh2[XW-1:SMAX+1]; // must all equal the sign for no overflow
    // the bits at and above S-1 of isum: at SMAX-1 and above always, below by the layer's hi
    wire [IXW-SMAX:0]  itop = isum3[IXW-1:SMAX-1];
    wire [SMAX-2:0]    ilow = isum3[SMAX-2:0];
`ifdef LIF_MUT_NOSAT
    // Mutation: the current wraps instead of saturating (keeps the low S bits).
    wire [4:0] wsh = SMAX[4:0] - (5'd1 + hi_bits(hi_i));
    wire signed [SMAX-1:0] inew = $signed(isum4 << wsh) >>> wsh;
    wire signed [SMAX-1:0] inewm = inew;
    wire unused_m = ih4m ^ il4m ^ inh4m ^ inl4m;
    function [4:0] hi_bits;
        input [SMAX-1:0] h;
        integer b;
        begin
            hi_bits = 5'd0;
            for (b = 0; b < SMAX; b = b + 1) if (h[b]) hi_bits = hi_bits + 5'd1;
        end
    endfunction
`else
    wire ipos4 = !isg4 && (ih4 || il4);
    wire ineg4 = isg4 && (inh4 || inl4);
    wire signed [SMAX-1:0] inew = ipos4 ? hi_i : ineg4 ? ~hi_i : isum4;
    // cur5m's own select flags give it its own LUTs (one LUT can pack with only one register)
    wire ipos4m = !isg4 && (ih4m || il4m);
    wire ineg4m = isg4 && (inh4m || inl4m);
    wire signed [SMAX-1:0] inewm = ipos4m ? hi_i : ineg4m ? ~hi_i : isum4;
`endif
    wire signed [SMAX-1:0] vnew = vpos7 ? hi_i : vneg7 ? ~hi_i : vsum7;
    // the spike test a clock early, so the count's increment is its carry in (stn9); all but
    // the sign of v - theta is decided a stage earlier still (fz8), so fire8 is one LUT
    wire fire8 = fz8 && (vpos8 || !vd8[SMAX]);
`ifdef LIF_MUT_FROZEN
    // Mutation: a refractory neuron's membrane still decays (its V path is not held).
    assign frz3 = 1'b0;
`else
    assign frz3 = !readout_i && (refc_i != 4'd0);
`endif

    always @(posedge clk_i) begin
        v <= {v[8:1], valid_i};
        // stage 1
        acc1 <= acc_x <<< shift_i[1:0];
        // stage 2
        accsh2 <= acc1 <<< {shift_i[4:2], 2'b00};
        // stage 3
        isum3 <= isum;
        aovf3 <= !(&atop) && (|atop);
        asgn3 <= accsh2[XW-1];
        // stage 4 (V and r arrive)
        isum4 <= isum3[SMAX-1:0];
        // an overflowing acc << H decides by its sign alone
        isg4 <= aovf3 ? asgn3 : isum3[IXW-1];
        ih4 <= aovf3 || (|itop); inh4 <= aovf3 || !(&itop);
        il4 <= |(ilow & imask); inl4 <= |(~ilow & imask);
        ih4m <= !frz3 && (aovf3 || (|itop)); inh4m <= !frz3 && (aovf3 || !(&itop));
        il4m <= !frz3 && (|(ilow & imask)); inl4m <= !frz3 && (|(~ilow & imask));
        r4 <= refc_i; frz4 <= frz3;
        // stage 5
        r5 <= r4;
        cur5 <= inew;
        cur5m <= frz4 ? {SMAX{1'b0}} : inewm;
        // stage 6
        r6 <= r5; cur6 <= cur5;
        vsum6 <= {dv5[SMAX-1], dv5} + {cur5m[SMAX-1], cur5m};
        // stage 7
        r7 <= r6; cur7 <= cur6;
        vsum7 <= vsum6[SMAX-1:0];
        vpos7 <= !vsum6[VW-1] && |(vsum6[SMAX-1:0] & vmask);
        vneg7 <= vsum6[VW-1] && |(~vsum6[SMAX-1:0] & vmask);
        // stage 8
        r8 <= r7; cur8 <= cur7;
        vs8 <= vnew;
        vd8 <= {vsum7[SMAX-1], vsum7} - {thr_i[SMAX-1], thr_i};
        vpos8 <= vpos7;
        fz8 <= !readout_i && (r7 == 4'd0) && !vneg7 && !(vpos7 && hmt_q[SMAX]);
        hmt_q <= {hi_i[SMAX-1], hi_i} - {thr_i[SMAX-1], thr_i}; // per layer (parameters are static)
        // stage 9 (the statistic arrives)
        cur9 <= cur8; vs9 <= vs8;
        frozen9 <= !readout_i && (r8 != 4'd0);
        fire9 <= fire8;
        stn9 <= stat_i + {{(SMAX-1){1'b0}}, fire8};
        gth9 <= ($signed(vs8[SMAX-1:HB]) > $signed(stat_i[SMAX-1:HB]));
        eqh9 <= (vs8[SMAX-1:HB] == stat_i[SMAX-1:HB]);
        gtl9 <= ($unsigned(vs8[HB-1:0]) > $unsigned(stat_i[HB-1:0]));
        sub9 <= !subtract_i ? {SMAX{1'b0}} : vpos8 ? hmt_q[SMAX-1:0] : vd8[SMAX-1:0];
        rm9 <= r8 - 4'd1;
        // output: a frozen neuron's vs9 is its stored V (held by the V path)
        valid_o <= v[9]; cur_o <= cur9;
        valid_w_o <= v[9];
        spike_o <= fire9;
        vspike_o <= v[9] && fire9;
        mem_o <= fire9 ? sub9 : vs9;
        stat_o <= (readout_i && (first_i || gth9 || (eqh9 && gtl9))) ? vs9 : stn9;
        refc_o <= frozen9 ? rm9 : fire9 ? refr_i : 4'd0; // readout: neither

        if (rst_i) begin
            v <= 9'd0;
            valid_o <= 1'b0; valid_w_o <= 1'b0; vspike_o <= 1'b0;
        end
    end
endmodule
