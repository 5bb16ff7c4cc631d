`default_nettype none
`timescale 1ns/1ps
// tb_lif_core: the harness protocol of testbench/harness/main.cpp for Icarus Verilog, on text
// files: +in=FILE holds the command words (hex, one per line), +out=FILE receives the answer
// words in the same format. Used for the second-opinion runs on Icarus and on the Yosys
// post-synthesis netlist (compile with -DNETLIST: lif_core then has its parameters baked in).
module tb_lif_core;
    parameter integer LANES = 8, SMAX = 16, ACC_W = 24, LAYERS_MAX = 4, NEUR_AW = 9;
    parameter integer LAYER_AW = 8, IN_AW = 10, WMEM_AW = 14, WMEM_SPRAM = 0;

    reg         clk = 1'b0, rst = 1'b1;
    reg         host_req = 1'b0, host_we = 1'b0;
    reg  [23:0] host_addr = 24'd0;
    reg  [31:0] host_wdata = 32'd0;
    wire        host_gnt, host_rvalid;
    wire [31:0] host_rdata;
    reg         run_start = 1'b0, run_mode = 1'b0, run_clear = 1'b0;
    reg  [31:0] run_steps = 32'd0;
    wire        busy, step_done, done;
    reg         ev_valid = 1'b0, ev_eos = 1'b0;
    reg  [15:0] ev_index = 16'd0;
    wire        ev_ready;
    wire        upd_valid, upd_spike;
    wire [3:0]  upd_layer, upd_refr;
    wire [15:0] upd_index;
    wire [31:0] upd_i, upd_v;

`ifdef NETLIST
    lif_core u_core (
`else
    lif_core #(
        .LANES(LANES), .SMAX(SMAX), .ACC_W(ACC_W), .LAYERS_MAX(LAYERS_MAX), .NEUR_AW(NEUR_AW),
        .LAYER_AW(LAYER_AW), .IN_AW(IN_AW), .WMEM_AW(WMEM_AW), .WMEM_SPRAM(WMEM_SPRAM)
    ) u_core (
`endif
        .clk_i(clk), .rst_i(rst),
        .host_req_i(host_req), .host_we_i(host_we), .host_addr_i(host_addr), .host_wdata_i(host_wdata),
        .host_gnt_o(host_gnt), .host_rvalid_o(host_rvalid), .host_rdata_o(host_rdata),
        .run_start_i(run_start), .run_steps_i(run_steps), .run_mode_i(run_mode), .run_clear_i(run_clear),
        .busy_o(busy), .step_done_o(step_done), .done_o(done), .in_spike_o(),
        .ev_valid_i(ev_valid), .ev_ready_o(ev_ready), .ev_eos_i(ev_eos), .ev_index_i(ev_index),
        .upd_valid_o(upd_valid), .upd_layer_o(upd_layer), .upd_index_o(upd_index), .upd_i_o(upd_i),
        .upd_v_o(upd_v), .upd_spike_o(upd_spike), .upd_refr_o(upd_refr)
    );

    // One rising edge; afterwards outputs hold the new register values and inputs may change.
    task tick;
        begin
            #5 clk = 1'b1;
            #5 clk = 1'b0;
        end
    endtask

    integer fin, fout, r, guard;
    reg [31:0] cmd, a, d, steps, mode, clr, n, s, i, pos, nupd, clocks, t0;
    reg [31:0] evs [0:65535];
    reg [31:0] rec0 [0:65535];
    reg [31:0] rec1 [0:65535];
    reg [31:0] rec2 [0:65535];
    reg [1023:0] fname;
    reg eos_sent, accept, quit;

    function [31:0] need;
        input dummy;
        reg [31:0] v;
        integer rr;
        begin
            rr = $fscanf(fin, "%h\n", v);
            if (rr != 1) begin
                $display("tb_lif_core: truncated command stream");
                $finish;
            end
            need = v;
        end
    endfunction

    initial begin
        if (!$value$plusargs("in=%s", fname)) begin $display("tb_lif_core: need +in=FILE"); $finish; end
        fin = $fopen(fname, "r");
        if (!$value$plusargs("out=%s", fname)) begin $display("tb_lif_core: need +out=FILE"); $finish; end
        fout = $fopen(fname, "w");
        repeat (4) tick;
        rst = 1'b0;
        tick;
        clocks = 0;
        quit = 1'b0;
        while (!quit && !$feof(fin)) begin
            r = $fscanf(fin, "%h\n", cmd);
            if (r != 1) quit = 1'b1;
            else case (cmd)
                0: quit = 1'b1;
                1: begin
                    a = need(0); d = need(0);
                    host_req = 1'b1; host_we = 1'b1; host_addr = a[23:0]; host_wdata = d;
                    tick;
                    host_req = 1'b0; host_we = 1'b0;
                end
                2: begin
                    a = need(0);
                    host_req = 1'b1; host_we = 1'b0; host_addr = a[23:0];
                    tick;
                    host_req = 1'b0;
                    guard = 0;
                    while (!host_rvalid && guard < 16) begin tick; guard = guard + 1; end
                    $fwrite(fout, "%h\n%h\n", 32'd2, host_rdata);
                    tick;
                end
                3: begin
                    steps = need(0); mode = need(0); clr = need(0);
                    $fwrite(fout, "%h\n", 32'd3);
                    run_start = 1'b1; run_steps = steps; run_mode = mode[0]; run_clear = clr[0];
                    tick;
                    run_start = 1'b0;
                    t0 = 32'd1; // the start cycle, as main.cpp counts
                    for (s = 0; s < steps; s = s + 1) begin
                        n = 0;
                        if (mode == 0) begin
                            n = need(0);
                            for (i = 0; i < n; i = i + 1) evs[i] = need(0);
                        end
                        pos = 0; nupd = 0; clocks = 0;
                        eos_sent = (mode != 0);
                        step_loop;
                        $fwrite(fout, "%h\n%h\n", clocks, nupd);
                        for (i = 0; i < nupd; i = i + 1)
                            $fwrite(fout, "%h\n%h\n%h\n", rec0[i], rec1[i], rec2[i]);
                        t0 = t0 + clocks;
                    end
                    $fwrite(fout, "%h\n", t0);
                end
                4: $fwrite(fout, "%h\n", 32'd4);
                default: begin $display("tb_lif_core: unknown command %0d", cmd); $finish; end
            endcase
        end
        $fclose(fout);
        $finish;
    end

    task step_loop;
        begin : body
            guard = 0;
            forever begin
                accept = 1'b0;
                if (!eos_sent && ev_ready) begin
                    ev_valid = 1'b1;
                    if (pos < n) begin ev_eos = 1'b0; ev_index = evs[pos][15:0]; end
                    else begin ev_eos = 1'b1; ev_index = 16'd0; end
                    accept = 1'b1;
                end else begin
                    ev_valid = 1'b0;
                end
                tick;
                clocks = clocks + 1;
                ev_valid = 1'b0;
                if (accept) begin
                    if (pos < n) pos = pos + 1;
                    else eos_sent = 1'b1;
                end
                if (upd_valid) begin
                    rec0[nupd] = {4'd0, upd_refr, 3'd0, upd_spike, upd_layer, upd_index};
                    rec1[nupd] = upd_i;
                    rec2[nupd] = upd_v;
                    nupd = nupd + 1;
                end
                if (step_done) disable body;
                guard = guard + 1;
                if (guard > 10000000) begin $display("tb_lif_core: step did not finish"); $finish; end
            end
        end
    endtask
endmodule
