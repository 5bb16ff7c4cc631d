`default_nettype none
// link_uart_rx: UART receiver, 8N1, LSB first (docs/protocol.md "Physical layer").
// The line is synchronised through two flops; a falling edge starts a byte, every bit is sampled
// in its middle, and the stop bit must be high or the byte is dropped with frame_err_o. A byte is
// presented for one clock (valid_o); there is no back-pressure (the consumer takes one byte per
// CLKS_PER_BIT*10 clocks at most).
module link_uart_rx #(
    parameter integer CLKS_PER_BIT = 16 // clock / baud, >= 4 (e.g. 48 MHz / 3 Mbaud = 16)
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       rx_i,
    output reg        valid_o,
    output reg  [7:0] data_o,
    output reg        zero_o,      // data_o == 0x00 (registered with it: a frame delimiter)
    output reg        frame_err_o
);
    generate
        if (CLKS_PER_BIT < 4) begin : g_bad_cpb
            link_uart_rx_bad_CLKS_PER_BIT u_error ();
        end
    endgenerate
    localparam integer CW = $clog2(CLKS_PER_BIT * 3 / 2 + 1) + 1;
    reg [2:0]    sync_q;
    localparam integer CPB_M1 = CLKS_PER_BIT - 1;
    localparam integer CPB_HALF_M1 = CLKS_PER_BIT / 2 - 1;
    reg          busy_q;
    reg [CW-1:0] cnt_q;
    reg [3:0]    bit_q;
    reg [7:0]    shift_q;
    wire         rx = sync_q[2];

    always @(posedge clk_i) begin
        sync_q      <= {sync_q[1:0], rx_i};
        valid_o     <= 1'b0;
        frame_err_o <= 1'b0;
        if (rst_i) begin
            sync_q <= 3'b111;
            busy_q <= 1'b0;
            cnt_q  <= {CW{1'b0}};
            bit_q  <= 4'd0;
        end else if (!busy_q) begin
            if (!rx) begin // start bit: wait to its middle
                busy_q <= 1'b1;
                cnt_q  <= CPB_HALF_M1[CW-1:0];
                bit_q  <= 4'd0;
            end
        end else if (cnt_q != 0) begin
            cnt_q <= cnt_q - 1'b1;
        end else begin
            cnt_q <= CPB_M1[CW-1:0];
            bit_q <= bit_q + 1'b1;
            case (bit_q)
                4'd0: if (rx) busy_q <= 1'b0; // glitch, not a start bit
                4'd9: begin
                    busy_q <= 1'b0;
                    if (rx) begin
                        valid_o <= 1'b1;
                        data_o  <= shift_q;
                        zero_o  <= shift_q == 8'h00;
                    end else begin
                        frame_err_o <= 1'b1;
                    end
                end
                default: shift_q <= {rx, shift_q[7:1]};
            endcase
        end
    end
endmodule
