`default_nettype none
// lifkit_top_ice40: lif_core with the host link for the ice40 family. Clocking (PLL, reset
// stretcher) is left to bitstream/, which wraps this module: clk_i is the core clock at CLK_HZ,
// rst_i a synchronous active-high reset held for at least 36 clocks after configuration.
module lifkit_top_ice40 #(
    parameter integer CLK_HZ     = 48000000, // core clock, Hz
    parameter integer BAUD       = 3000000,  // UART baud (3 Mbaud; 12 Mbaud on FT2232H boards)
    parameter integer LANES      = 8,
    parameter integer SMAX       = 16,
    parameter integer ACC_W      = 24,
    parameter integer LAYERS_MAX = 4,
    parameter integer NEUR_AW    = 9,
    parameter integer LAYER_AW   = 8,
    parameter integer IN_AW      = 10,
    parameter integer WMEM_AW    = 14,
    parameter integer WMEM_SPRAM = 0,
    parameter integer DECAY_MAC  = 0,        // 1: decays in SB_MAC16 (UP5K; docs/rtl.md)
    parameter         WMEM_INIT  = "",       // baked network (docs/rtl.md): weight RAM hex file
    parameter         PRM_INIT   = "",       // baked network: parameter memory hex file
    parameter integer NLAYERS_INIT = 0,      // baked network: register reset values
    parameter integer NINPUTS_INIT = 0,
    parameter [31:0]  SEED_INIT  = 32'd1,
    parameter integer WSH        = 0,        // log2 link window (frames in flight): 1 on iCE40 (block RAM)
    parameter integer TAW        = 8,        // log2 trace words (space 8: readout V per step); 0: no TRACE
    parameter integer IAW        = 9         // event staging RAM, log2 bytes: 512 B: short event samples; intensities go straight to the core
) (
    input  wire clk_i,
    input  wire rst_i,
    input  wire uart_rx_i,
    output wire uart_tx_o
);
    wire        h_req, h_we, h_gnt, h_rv;
    wire [23:0] h_addr;
    wire [31:0] h_wd, h_rd;
    wire        r_start, r_mode, r_clear, c_done;
    wire [31:0] r_steps;
    wire        ev_v, ev_r, ev_eos;
    wire [15:0] ev_idx;
    wire        c_in_spike, u_valid;
    wire [3:0]  u_layer;
    wire [31:0] u_v;

    link_host #(.CLK_HZ(CLK_HZ), .BAUD(BAUD), .WSH(WSH), .IAW(IAW), .TAW(TAW), .LANES(LANES), .SMAX(SMAX), .ACC_W(ACC_W),
        .LAYERS_MAX(LAYERS_MAX), .NEUR_AW(NEUR_AW), .LAYER_AW(LAYER_AW), .IN_AW(IN_AW),
        .WMEM_AW(WMEM_AW), .FLEN(5), .FAMILY("ice40")) u_link (
        .clk_i(clk_i), .rst_i(rst_i), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .host_req_o(h_req), .host_we_o(h_we), .host_addr_o(h_addr), .host_wdata_o(h_wd),
        .host_gnt_i(h_gnt), .host_rvalid_i(h_rv), .host_rdata_i(h_rd),
        .run_start_o(r_start), .run_steps_o(r_steps), .run_mode_o(r_mode), .run_clear_o(r_clear),
        .done_i(c_done), .in_spike_i(c_in_spike), .upd_valid_i(u_valid), .upd_layer_i(u_layer), .upd_v_i(u_v),
        .ev_valid_o(ev_v), .ev_ready_i(ev_r), .ev_eos_o(ev_eos), .ev_index_o(ev_idx));

    // The link counts input spikes (in_spike_o) and records the readout V of every step from
    // the update stream (TRACE); it reads results from the host port after done_o.
    /* verilator lint_off PINCONNECTEMPTY */
    lif_core #(.LANES(LANES), .SMAX(SMAX), .ACC_W(ACC_W), .LAYERS_MAX(LAYERS_MAX), .NEUR_AW(NEUR_AW),
        .LAYER_AW(LAYER_AW), .IN_AW(IN_AW), .WMEM_AW(WMEM_AW), .WMEM_SPRAM(WMEM_SPRAM), .DECAY_MAC(DECAY_MAC), .WMEM_INIT(WMEM_INIT), .PRM_INIT(PRM_INIT),
        .NLAYERS_INIT(NLAYERS_INIT), .NINPUTS_INIT(NINPUTS_INIT), .SEED_INIT(SEED_INIT)) u_core (
        .clk_i(clk_i), .rst_i(rst_i),
        .host_req_i(h_req), .host_we_i(h_we), .host_addr_i(h_addr), .host_wdata_i(h_wd),
        .host_gnt_o(h_gnt), .host_rvalid_o(h_rv), .host_rdata_o(h_rd),
        .run_start_i(r_start), .run_steps_i(r_steps), .run_mode_i(r_mode), .run_clear_i(r_clear),
        .busy_o(), .step_done_o(), .done_o(c_done), .in_spike_o(c_in_spike),
        .ev_valid_i(ev_v), .ev_ready_o(ev_r), .ev_eos_i(ev_eos), .ev_index_i(ev_idx),
        .upd_valid_o(u_valid), .upd_layer_o(u_layer), .upd_index_o(), .upd_i_o(), .upd_v_o(u_v),
        .upd_spike_o(), .upd_refr_o());
    /* verilator lint_on PINCONNECTEMPTY */
endmodule
