`default_nettype none
// link_fmax_top: link_host (iCE40 top parameters) beside a small stand-in for lif_core, so
// that place and route measures the link's own fmax and critical path on a UP5K
// (rtl/link/fmax/fmax.sh). The stand-in answers the host port from a block RAM through a
// register, as lif_core does (rvalid three clocks after gnt), runs for 64 clocks per step with an update stream and input spike pulses,
// and accepts events while running. It is not a model of the core.
module link_fmax_top #(
    // link parameters: the iCE40 top's by default; rtl/link/fmax/fmax.sh sets the ECP5 top's
    parameter integer CLK_HZ = 50000000,
    parameter integer WSH    = 0,
    parameter integer IAW    = 9,
    parameter integer TAW    = 8
) (
    input  wire clk_i,
    input  wire uart_rx_i,
    output wire uart_tx_o
);
    reg [5:0] por_q = 6'd0;
    wire rst = !por_q[5];
    always @(posedge clk_i) if (rst) por_q <= por_q + 1'b1;

    wire        h_req, h_we, r_start, r_mode, r_clear, ev_v, ev_eos;
    wire [23:0] h_addr;
    wire [31:0] h_wd, r_steps;
    wire [15:0] ev_idx;
    reg         busy_q, done_q, rv1_q, rv2_q, rv3_q;
    reg  [21:0] left_q;
    reg  [31:0] mem [0:255];
    reg  [31:0] rd_q, rd2_q; // read data registered after the block RAM, as lif_core's host_rdata_o
    wire        gnt = h_req && !busy_q;
    always @(posedge clk_i) begin
        if (gnt && h_we) mem[h_addr[7:0]] <= h_wd ^ {8'd0, h_addr};
        rd_q <= mem[h_addr[7:0]];
        rd2_q <= rd_q;
        rv1_q <= gnt && !h_we;
        rv2_q <= rv1_q;
        rv3_q <= rv2_q;
        done_q <= 1'b0;
        if (r_start) begin busy_q <= 1'b1; left_q <= {r_steps[15:0], 6'd0} ^ {21'd0, r_mode ^ r_clear}; end
        else if (busy_q) begin
            left_q <= left_q - 1'b1;
            if (left_q == 22'd1) begin busy_q <= 1'b0; done_q <= 1'b1; end
        end
        if (rst) begin busy_q <= 1'b0; rv1_q <= 1'b0; rv2_q <= 1'b0; rv3_q <= 1'b0; end
    end
    link_host #(.CLK_HZ(CLK_HZ), .BAUD(3000000), .WSH(WSH), .IAW(IAW), .TAW(TAW), .LANES(8), .SMAX(16),
        .ACC_W(20), .LAYERS_MAX(2), .NEUR_AW(8), .LAYER_AW(7), .IN_AW(10), .WMEM_AW(14)) u_link (
        .clk_i(clk_i), .rst_i(rst), .uart_rx_i(uart_rx_i), .uart_tx_o(uart_tx_o),
        .host_req_o(h_req), .host_we_o(h_we), .host_addr_o(h_addr), .host_wdata_o(h_wd),
        .host_gnt_i(gnt), .host_rvalid_i(rv3_q), .host_rdata_i(rd2_q),
        .run_start_o(r_start), .run_steps_o(r_steps), .run_mode_o(r_mode), .run_clear_o(r_clear),
        .done_i(done_q), .in_spike_i(left_q[0] & busy_q), .upd_valid_i(busy_q & left_q[1]),
        .upd_layer_i(left_q[5:2]), .upd_v_i({10'd0, left_q}),
        .ev_valid_o(ev_v), .ev_ready_i(busy_q), .ev_eos_o(ev_eos), .ev_index_o(ev_idx));
endmodule
