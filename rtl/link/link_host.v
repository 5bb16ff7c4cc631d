`default_nettype none
// link_host: the whole device side of the host link: UART receiver and transmitter, frame
// decoder and encoder with their buffers, and the command engine driving lif_core's host port
// and run control (docs/protocol.md). Connect uart_rx_i/uart_tx_o to the board's FTDI UART.
module link_host #(
    parameter integer CLK_HZ     = 48000000, // core clock in Hz
    parameter integer BAUD       = 3000000,  // UART baud; CLK_HZ / BAUD >= 4
    parameter integer AW         = 9,        // log2 bytes of one frame slot
    parameter integer MAXBODY    = 256,      // largest frame body, 64 .. 2^AW - 22
    parameter integer WSH        = 0,        // log2 window: 2^WSH frames in flight (rx and tx slots)
    parameter integer IAW        = 11,       // log2 input staging RAM bytes
    parameter integer TAW        = 8,        // log2 aux RAM words (4..16): STATUS counters, then the trace (space 8)
    parameter integer LANES      = 8,        // the core's parameters (reported in INFO)
    parameter integer SMAX       = 16,
    parameter integer ACC_W      = 24,
    parameter integer LAYERS_MAX = 4,
    parameter integer NEUR_AW    = 9,
    parameter integer LAYER_AW   = 8,
    parameter integer IN_AW      = 10,
    parameter integer WMEM_AW    = 14,
    parameter integer FLEN       = 5,
    parameter [39:0]  FAMILY     = "ice40"
) (
    input  wire        clk_i,
    input  wire        rst_i,
    input  wire        uart_rx_i,
    output wire        uart_tx_o,
    output wire        host_req_o,
    output wire        host_we_o,
    output wire [23:0] host_addr_o,
    output wire [31:0] host_wdata_o,
    input  wire        host_gnt_i,
    input  wire        host_rvalid_i,
    input  wire [31:0] host_rdata_i,
    output wire        run_start_o,
    output wire [31:0] run_steps_o,
    output wire        run_mode_o,
    output wire        run_clear_o,
    input  wire        done_i,
    input  wire        in_spike_i,         // lif_core in_spike_o
    input  wire        upd_valid_i,        // lif_core update stream (trace)
    input  wire [3:0]  upd_layer_i,
    input  wire [31:0] upd_v_i,
    output wire        ev_valid_o,
    input  wire        ev_ready_i,
    output wire        ev_eos_o,
    output wire [15:0] ev_index_o
);
    localparam integer CPB = CLK_HZ / BAUD;
    localparam integer WI  = (WSH > 0) ? WSH : 1;
    localparam integer BAW = AW + WSH;       // buffer address width
    // INFO answer (docs/protocol.md): constant, held in the rx buffer's unused top bytes of
    // every slot (block RAM initial contents), copied into the answer by the engine
    function [31:0] le32(input [31:0] v);
        le32 = {v[7:0], v[15:8], v[23:16], v[31:24]};
    endfunction
    localparam integer W = 1 << WSH;
    localparam integer INPUT_MEM = 1 << IAW;
    localparam integer TW = (1 << TAW) - 8;
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
        8'd14, 8'd4, le32(TW),
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
    localparam integer INFO_AT = (1 << AW) - 128;
    generate
        if (INFO_N > 128 || MAXBODY + 6 > INFO_AT) begin : g_bad_info
            link_host_bad_INFO_or_MAXBODY u_error ();
        end
    endgenerate

    wire       rx_v, rx_z, rx_ferr;
    wire [7:0] rx_d;
    link_uart_rx #(.CLKS_PER_BIT(CPB)) u_rx (.clk_i(clk_i), .rst_i(rst_i), .rx_i(uart_rx_i),
        .valid_o(rx_v), .data_o(rx_d), .zero_o(rx_z), .frame_err_o(rx_ferr));

    wire           rb_we;
    wire [BAW-1:0] rb_waddr, rb_raddr;
    wire [AW-1:0]  e_raddr;
    wire [WI-1:0]  f_slot;
    wire [7:0]     rb_wdata, rb_rdata;
    /* verilator lint_off UNUSEDSIGNAL */ // slot bits are unused with one slot (WSH = 0)
    wire [WI+AW-1:0] rb_raddr_full = {f_slot, e_raddr};
    /* verilator lint_on UNUSEDSIGNAL */
    assign rb_raddr = rb_raddr_full[BAW-1:0];
    link_ram #(.AW(BAW), .INIT_N(INFO_N), .INIT_AT(INFO_AT), .SLOT_AW(AW), .INIT({INFO, {(1024-8*INFO_N){1'b0}}}))
        u_rxbuf (.clk_i(clk_i), .we_i(rb_we), .waddr_i(rb_waddr), .wdata_i(rb_wdata),
        .raddr_i(rb_raddr), .rdata_o(rb_rdata));

    wire        f_valid, f_ack, f_bad, f_over;
    wire [7:0]  f_type, f_seq;
    wire [15:0] f_len;
    link_rx_frame #(.AW(AW), .MAXBODY(MAXBODY), .WSH(WSH), .WI(WI)) u_rxf (.clk_i(clk_i), .rst_i(rst_i),
        .valid_i(rx_v), .data_i(rx_d), .zero_i(rx_z), .we_o(rb_we), .waddr_o(rb_waddr), .wdata_o(rb_wdata),
        .frame_valid_o(f_valid), .type_o(f_type), .seq_o(f_seq), .body_len_o(f_len),
        .slot_o(f_slot), .frame_ack_i(f_ack), .bad_o(f_bad), .overrun_o(f_over));

    wire           t_start, t_busy;
    wire [AW-1:0]  t_base, t_len, e_waddr;
    wire [WI-1:0]  t_slot;
    wire           e_we, x_we;
    wire [BAW-1:0] x_waddr, tb_raddr;
    wire [7:0]     e_wdata, x_wdata, tb_rdata;
    /* verilator lint_off UNUSEDSIGNAL */ // slot bits are unused with one slot (WSH = 0)
    wire [WI+AW-1:0] e_wfull = {t_slot, e_waddr};
    wire [WI+AW-1:0] t_bfull = {t_slot, t_base};
    wire [WI+AW-1:0] t_lfull = {{WI{1'b0}}, t_len};
    /* verilator lint_on UNUSEDSIGNAL */
    // The engine writes the answer buffer only while the framer is idle, the framer only while
    // it runs: the write port is shared without conflict.
    link_ram #(.AW(BAW)) u_txbuf (.clk_i(clk_i), .we_i(e_we | x_we),
        .waddr_i(x_we ? x_waddr : e_wfull[BAW-1:0]), .wdata_i(x_we ? x_wdata : e_wdata),
        .raddr_i(tb_raddr), .rdata_o(tb_rdata));

    wire       tx_v, tx_r;
    wire [7:0] tx_d;
    link_tx_frame #(.AW(BAW)) u_txf (.clk_i(clk_i), .rst_i(rst_i), .start_i(t_start),
        .base_i(t_bfull[BAW-1:0]), .len_i(t_lfull[BAW-1:0]), .busy_o(t_busy),
        .raddr_o(tb_raddr), .rdata_i(tb_rdata), .we_o(x_we), .waddr_o(x_waddr), .wdata_o(x_wdata),
        .tx_valid_o(tx_v), .tx_data_o(tx_d), .tx_ready_i(tx_r));
    link_uart_tx #(.CLKS_PER_BIT(CPB)) u_tx (.clk_i(clk_i), .rst_i(rst_i), .valid_i(tx_v),
        .data_i(tx_d), .ready_o(tx_r), .tx_o(uart_tx_o));

    // the answer path is busy (framer or UART), registered: the engine looks at it only in its
    // idle state, which it enters two clocks after starting an answer (S_ACKW, S_ACKW2)
    reg t_busy_q;
    always @(posedge clk_i) t_busy_q <= t_busy | tx_v;
    link_engine #(.AW(AW), .MAXBODY(MAXBODY), .WSH(WSH), .WI(WI), .IAW(IAW), .TAW(TAW), .SMAX(SMAX),
        .NEUR_AW(NEUR_AW), .IN_AW(IN_AW), .INFO_N(INFO_N), .INFO_AT(INFO_AT)) u_eng (
        .clk_i(clk_i), .rst_i(rst_i),
        .frame_valid_i(f_valid), .type_i(f_type), .seq_i(f_seq), .body_len_i(f_len),
        .frame_ack_o(f_ack), .rx_raddr_o(e_raddr), .rx_rdata_i(rb_rdata),
        .rx_bad_i(f_bad), .rx_overrun_i(f_over), .uart_err_i(rx_ferr),
        .tx_start_o(t_start), .tx_base_o(t_base), .tx_slot_o(t_slot), .tx_len_o(t_len),
        .tx_busy_i(t_busy_q), .tx_we_o(e_we), .tx_waddr_o(e_waddr), .tx_wdata_o(e_wdata),
        .host_req_o(host_req_o), .host_we_o(host_we_o), .host_addr_o(host_addr_o),
        .host_wdata_o(host_wdata_o), .host_gnt_i(host_gnt_i), .host_rvalid_i(host_rvalid_i),
        .host_rdata_i(host_rdata_i), .run_start_o(run_start_o), .run_steps_o(run_steps_o),
        .run_mode_o(run_mode_o), .run_clear_o(run_clear_o), .done_i(done_i), .in_spike_i(in_spike_i),
        .upd_valid_i(upd_valid_i), .upd_layer_i(upd_layer_i), .upd_v_i(upd_v_i),
        .ev_valid_o(ev_valid_o), .ev_ready_i(ev_ready_i), .ev_eos_o(ev_eos_o), .ev_index_o(ev_index_o));
endmodule
