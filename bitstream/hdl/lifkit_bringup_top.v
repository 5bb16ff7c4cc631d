`default_nettype none
// lifkit_bringup_top: lif_core behind a minimal UART command bridge, so a board build carries
// the real, sized core (every output kept alive) before rtl/top and the framed host link land.
// It is a bring-up harness, not the host link: no CRC, no framing, one command at a time.
//
// Commands (bytes at BAUD, 8N1; multi-byte fields big-endian):
//   'W' a[23:0] d[31:0]  host write            -> 'k'
//   'R' a[23:0]          host read             -> d[31:0]
//   'S' n[31:0] f        run n steps, f[0] run_mode, f[1] run_clear -> 'k', later 'D' when done
//   'E' i[15:0]          input spike event     -> 'k'
//   'e'                  end of step's events  -> 'k'
//   'C'                  checksum of all neuron updates since reset -> c[31:0]
// Any other byte is ignored. LEDs: busy, a toggle per finished run, checksum bits.
module lifkit_bringup_top #(
    parameter integer CLK_HZ     = 50000000, // core clock in Hz
    parameter integer BAUD       = 115200,   // UART bit rate, at most CLK_HZ/4
    parameter integer LEDS       = 4,        // LED outputs, 1..8
    parameter integer LANES      = 8,        // lif_core parameters, see docs/rtl.md
    parameter integer SMAX       = 16,
    parameter integer ACC_W      = 24,
    parameter integer LAYERS_MAX = 4,
    parameter integer NEUR_AW    = 9,
    parameter integer LAYER_AW   = 8,
    parameter integer IN_AW      = 10,
    parameter integer WMEM_AW    = 14,
    parameter integer WMEM_SPRAM = 0,
    parameter integer DECAY_MAC  = 0,        // 1: decays in SB_MAC16 (UP5K; docs/rtl.md)
    parameter         WMEM_INIT  = "",       // baked network (docs/bitstreams.md): weight RAM image
    parameter         PRM_INIT   = "",       // baked network: parameter memory image
    parameter integer NLAYERS_INIT = 0,      // baked network: register reset values
    parameter integer NINPUTS_INIT = 0,
    parameter [31:0]  SEED_INIT  = 32'd1
) (
    input  wire            clk_i,
    input  wire            rst_i,
    input  wire            uart_rx_i,
    output wire            uart_tx_o,
    output wire [LEDS-1:0] led_o
);
    localparam integer CLKS_PER_BIT = CLK_HZ / BAUD;

    wire [7:0] rx_data;
    wire       rx_valid;
    reg  [7:0] tx_data_q;
    reg        tx_valid_q;
    wire       tx_busy;
    lifkit_placeholder_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(uart_rx_i), .data_o(rx_data), .valid_o(rx_valid)
    );
    lifkit_placeholder_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(tx_data_q), .valid_i(tx_valid_q),
        .tx_o(uart_tx_o), .busy_o(tx_busy)
    );

    // Core.
    reg         host_req_q, host_we_q;
    reg  [23:0] host_addr_q;
    reg  [31:0] host_wdata_q;
    wire        host_gnt, host_rvalid;
    wire [31:0] host_rdata;
    reg         run_start_q, run_mode_q, run_clear_q;
    reg  [31:0] run_steps_q;
    wire        busy, step_done, done;
    reg         ev_valid_q, ev_eos_q;
    reg  [15:0] ev_index_q;
    wire        ev_ready;
    wire        upd_valid, upd_spike;
    wire [3:0]  upd_layer, upd_refr;
    wire [15:0] upd_index;
    wire [31:0] upd_i, upd_v;
    lif_core #(
        .LANES(LANES), .SMAX(SMAX), .ACC_W(ACC_W), .LAYERS_MAX(LAYERS_MAX), .NEUR_AW(NEUR_AW),
        .LAYER_AW(LAYER_AW), .IN_AW(IN_AW), .WMEM_AW(WMEM_AW), .WMEM_SPRAM(WMEM_SPRAM), .DECAY_MAC(DECAY_MAC),
        .WMEM_INIT(WMEM_INIT), .PRM_INIT(PRM_INIT), .NLAYERS_INIT(NLAYERS_INIT),
        .NINPUTS_INIT(NINPUTS_INIT), .SEED_INIT(SEED_INIT)
    ) u_core (
        .clk_i(clk_i), .rst_i(rst_i),
        .host_req_i(host_req_q), .host_we_i(host_we_q), .host_addr_i(host_addr_q),
        .host_wdata_i(host_wdata_q), .host_gnt_o(host_gnt), .host_rvalid_o(host_rvalid),
        .host_rdata_o(host_rdata),
        .run_start_i(run_start_q), .run_steps_i(run_steps_q), .run_mode_i(run_mode_q),
        .run_clear_i(run_clear_q), .busy_o(busy), .step_done_o(step_done), .done_o(done), .in_spike_o(),
        .ev_valid_i(ev_valid_q), .ev_ready_o(ev_ready), .ev_eos_i(ev_eos_q), .ev_index_i(ev_index_q),
        .upd_valid_o(upd_valid), .upd_layer_o(upd_layer), .upd_index_o(upd_index),
        .upd_i_o(upd_i), .upd_v_o(upd_v), .upd_spike_o(upd_spike), .upd_refr_o(upd_refr)
    );

    // Checksum of every neuron update (keeps the whole update path in the netlist).
    reg [31:0] chk_q;
    reg [7:0]  steps_seen_q;
    reg        run_toggle_q;
    always @(posedge clk_i) begin
        if (rst_i) begin
            chk_q        <= 32'd0;
            steps_seen_q <= 8'd0;
            run_toggle_q <= 1'b0;
        end else begin
            if (upd_valid)
                chk_q <= {chk_q[30:0], chk_q[31]} ^ upd_i ^ {upd_v[15:0], upd_v[31:16]}
                         ^ {upd_layer, upd_refr, upd_spike, 7'd0, upd_index};
            if (step_done) steps_seen_q <= steps_seen_q + 8'd1;
            if (done) run_toggle_q <= ~run_toggle_q;
        end
    end

    // Command bridge.
    localparam [2:0] B_IDLE = 3'd0, B_ARGS = 3'd1, B_HOST = 3'd2, B_READ = 3'd3, B_EVENT = 3'd4,
                     B_SEND = 3'd5;
    reg [2:0]  st_q;
    reg [7:0]  cmd_q;
    reg [47:0] arg_q;
    reg [3:0]  need_q;
    reg [31:0] out_q;
    reg [2:0]  out_n_q;
    reg        tx_wait_q;
    reg        done_pend_q;

    always @(posedge clk_i) begin
        run_start_q <= 1'b0;
        tx_valid_q  <= 1'b0;
        tx_wait_q   <= 1'b0;
        if (done) done_pend_q <= 1'b1;
        if (rst_i) begin
            st_q <= B_IDLE; cmd_q <= 8'd0; arg_q <= 48'd0; need_q <= 4'd0;
            out_q <= 32'd0; out_n_q <= 3'd0; done_pend_q <= 1'b0;
            host_req_q <= 1'b0; host_we_q <= 1'b0; host_addr_q <= 24'd0; host_wdata_q <= 32'd0;
            run_mode_q <= 1'b0; run_clear_q <= 1'b0; run_steps_q <= 32'd0;
            ev_valid_q <= 1'b0; ev_eos_q <= 1'b0; ev_index_q <= 16'd0;
            tx_data_q <= 8'd0;
        end else begin
            case (st_q)
                B_IDLE: begin
                    if (rx_valid) begin
                        cmd_q <= rx_data;
                        case (rx_data)
                            "W":     begin need_q <= 4'd7; st_q <= B_ARGS; end
                            "R":     begin need_q <= 4'd3; st_q <= B_ARGS; end
                            "S":     begin need_q <= 4'd5; st_q <= B_ARGS; end
                            "E":     begin need_q <= 4'd2; st_q <= B_ARGS; end
                            "e":     begin ev_eos_q <= 1'b1; ev_valid_q <= 1'b1; st_q <= B_EVENT; end
                            "C":     begin out_q <= chk_q; out_n_q <= 3'd4; st_q <= B_SEND; end
                            default: st_q <= B_IDLE;
                        endcase
                    end else if (done_pend_q && !tx_busy && !tx_wait_q) begin
                        done_pend_q <= 1'b0;
                        tx_data_q <= "D"; tx_valid_q <= 1'b1; tx_wait_q <= 1'b1;
                    end
                end
                B_ARGS: begin
                    if (rx_valid) begin
                        arg_q  <= {arg_q[39:0], rx_data};
                        need_q <= need_q - 4'd1;
                        if (need_q == 4'd1) begin
                            case (cmd_q)
                                "W": begin
                                    host_addr_q <= arg_q[47:24];
                                    host_wdata_q <= {arg_q[23:0], rx_data};
                                    host_we_q <= 1'b1; host_req_q <= 1'b1; st_q <= B_HOST;
                                end
                                "R": begin
                                    host_addr_q <= {arg_q[15:0], rx_data};
                                    host_we_q <= 1'b0; host_req_q <= 1'b1; st_q <= B_HOST;
                                end
                                "S": begin
                                    run_steps_q <= arg_q[31:0];
                                    run_mode_q  <= rx_data[0];
                                    run_clear_q <= rx_data[1];
                                    run_start_q <= ~busy;
                                    out_q <= {"k", 24'd0}; out_n_q <= 3'd1; st_q <= B_SEND;
                                end
                                "E": begin
                                    ev_index_q <= {arg_q[7:0], rx_data};
                                    ev_eos_q <= 1'b0; ev_valid_q <= 1'b1; st_q <= B_EVENT;
                                end
                                default: st_q <= B_IDLE;
                            endcase
                        end
                    end
                end
                B_HOST: begin
                    if (host_gnt) begin
                        host_req_q <= 1'b0;
                        if (host_we_q) begin
                            out_q <= {"k", 24'd0}; out_n_q <= 3'd1; st_q <= B_SEND;
                        end else begin
                            st_q <= B_READ;
                        end
                    end
                end
                B_READ: begin
                    if (host_rvalid) begin
                        out_q <= host_rdata; out_n_q <= 3'd4; st_q <= B_SEND;
                    end
                end
                B_EVENT: begin
                    if (ev_ready) begin
                        ev_valid_q <= 1'b0;
                        out_q <= {"k", 24'd0}; out_n_q <= 3'd1; st_q <= B_SEND;
                    end
                end
                B_SEND: begin
                    if (out_n_q == 3'd0) begin
                        st_q <= B_IDLE;
                    end else if (!tx_busy && !tx_wait_q && !tx_valid_q) begin
                        tx_data_q  <= out_q[31:24];
                        tx_valid_q <= 1'b1;
                        tx_wait_q  <= 1'b1;
                        out_q      <= {out_q[23:0], 8'd0};
                        out_n_q    <= out_n_q - 3'd1;
                    end
                end
                default: st_q <= B_IDLE;
            endcase
        end
    end

    // Boards have 1..8 LEDs: the bits above LEDS are unused by design.
    /* verilator lint_off UNUSEDSIGNAL */
    wire [7:0] led_all = {chk_q[5:0] ^ steps_seen_q[5:0], run_toggle_q, busy};
    /* verilator lint_on UNUSEDSIGNAL */
    assign led_o = led_all[LEDS-1:0];
endmodule
