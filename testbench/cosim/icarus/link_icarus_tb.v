`default_nettype none
`timescale 1ns / 1ps
// link_icarus_tb: the iCE40 top level under Icarus Verilog, the second simulator of the host
// link. It shifts the bytes of `IN_HEX (first line: the byte count) into uart_rx_i at
// CLKS_PER_BIT clocks per bit, decodes uart_tx_o the same way, writes every received byte to
// `OUT_HEX (one per line) and stops after 20000 quiet clocks once everything was sent. With
// `PRESET_CRC defined, the crc_errors counter starts at that value (saturation test).
module link_icarus_tb;
    localparam integer CPB = 4;
    reg  clk = 1'b0, rst = 1'b1, rx = 1'b1;
    wire tx;
    lifkit_top_ice40 #(.CLK_HZ(4 * CPB * 250000), .BAUD(4 * 250000), .WMEM_AW(8), .NEUR_AW(6),
                       .LAYER_AW(5), .IN_AW(6), .IAW(8)) dut (
        .clk_i(clk), .rst_i(rst), .uart_rx_i(rx), .uart_tx_o(tx));
    always #5 clk = ~clk;

`ifdef PRESET_CRC
    // STATUS counter saturation: preset crc_errors (aux RAM word 1) once the counters are cleared
    initial begin
        wait (rst == 1'b0);
        repeat (20) @(posedge clk);
        dut.u_link.u_eng.u_aux.mem[1] = `PRESET_CRC;
    end
`endif

    reg [7:0] mem [0:4095];
    reg [15:0] cnt [0:0];
    integer n, i, k, fo, quiet;
    reg sent;
    initial begin
        $readmemh(`CNT_HEX, cnt);
        $readmemh(`IN_HEX, mem);
        n = cnt[0];
        fo = $fopen(`OUT_HEX, "w");
        sent = 1'b0;
        repeat (40) @(posedge clk);
        rst = 1'b0;
        repeat (10) @(posedge clk);
        for (i = 0; i < n; i = i + 1) begin
            rx = 1'b0; repeat (CPB) @(posedge clk);
            for (k = 0; k < 8; k = k + 1) begin rx = mem[i][k]; repeat (CPB) @(posedge clk); end
            rx = 1'b1; repeat (CPB) @(posedge clk);
            // leave the engine time between frames (the host waits for each answer)
            if (mem[i] == 8'h00) repeat (3000) @(posedge clk);
        end
        sent = 1'b1;
    end

    // tx decoder
    reg [7:0] b;
    integer j;
    initial begin
        quiet = 0;
        forever begin
            @(posedge clk);
            if (!tx) begin
                repeat (CPB / 2) @(posedge clk);
                for (j = 0; j < 8; j = j + 1) begin repeat (CPB) @(posedge clk); b[j] = tx; end
                repeat (CPB) @(posedge clk);
                if (tx) $fwrite(fo, "%02x\n", b);
                else $fwrite(fo, "framing-error\n");
                quiet = 0;
            end else begin
                quiet = quiet + 1;
                if (sent && quiet > 20000) begin $fclose(fo); $finish; end
            end
        end
    end
endmodule
