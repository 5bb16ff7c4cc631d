`default_nettype none
// lif_fmax_top: a timing probe for place and route of lif_core alone. Every core input comes
// from a register chain shifted in through one pin and every output is folded into one register
// bit, so the package's few I/O do not constrain placement and no core logic is optimised away.
// Not a usable design: it only measures fmax and utilization.
module lif_fmax_top #(
    parameter integer LANES = 8, SMAX = 16, ACC_W = 20, LAYERS_MAX = 4, NEUR_AW = 8,
    parameter integer LAYER_AW = 7, IN_AW = 10, WMEM_AW = 14, WMEM_SPRAM = 1, DECAY_MAC = 1
) (
    input  wire clk_i,
    input  wire rst_i,
    input  wire sin_i,
    output reg  sout_o
);
    localparam integer NIN = 1 + 1 + 24 + 32 + 1 + 32 + 1 + 1 + 1 + 1 + 16;
    reg [NIN-1:0] chain_q;
    always @(posedge clk_i) chain_q <= {chain_q[NIN-2:0], sin_i};

    wire        gnt, rvalid, busy, sdone, done, evr, uv, us;
    wire [31:0] rdata, ui, uv_;
    wire [3:0]  ul, ur;
    wire [15:0] ux;
    lif_core #(
        .LANES(LANES), .SMAX(SMAX), .ACC_W(ACC_W), .LAYERS_MAX(LAYERS_MAX), .NEUR_AW(NEUR_AW),
        .LAYER_AW(LAYER_AW), .IN_AW(IN_AW), .WMEM_AW(WMEM_AW), .WMEM_SPRAM(WMEM_SPRAM),
        .DECAY_MAC(DECAY_MAC)
    ) u_core (
        .clk_i(clk_i), .rst_i(rst_i),
        .host_req_i(chain_q[0]), .host_we_i(chain_q[1]), .host_addr_i(chain_q[25:2]),
        .host_wdata_i(chain_q[57:26]), .host_gnt_o(gnt), .host_rvalid_o(rvalid), .host_rdata_o(rdata),
        .run_start_i(chain_q[58]), .run_steps_i(chain_q[90:59]), .run_mode_i(chain_q[91]),
        .run_clear_i(chain_q[92]), .busy_o(busy), .step_done_o(sdone), .done_o(done), .in_spike_o(),
        .ev_valid_i(chain_q[93]), .ev_ready_o(evr), .ev_eos_i(chain_q[94]), .ev_index_i(chain_q[110:95]),
        .upd_valid_o(uv), .upd_layer_o(ul), .upd_index_o(ux), .upd_i_o(ui), .upd_v_o(uv_),
        .upd_spike_o(us), .upd_refr_o(ur)
    );
    // outputs are registered first (as any consumer would), then folded in two register stages
    // (the probe itself must not be the critical path)
    reg [127:0] out_q;
    reg [15:0]  fold_q;
    integer k;
    always @(posedge clk_i) begin
        out_q <= {gnt, rvalid, rdata, busy, sdone, done, evr, uv, ul, ux, ui, uv_, us, ur};
        for (k = 0; k < 16; k = k + 1) fold_q[k] <= ^out_q[8*k +: 8];
        sout_o <= ^fold_q;
    end
endmodule
