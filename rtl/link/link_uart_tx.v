`default_nettype none
// link_uart_tx: UART transmitter, 8N1, LSB first. A byte is taken when valid_i & ready_o.
// Timing: the bit clock is a down counter with a borrow bit (cnt_q[CW-1], the tick), loaded with
// CLKS_PER_BIT - 2 while idle and at every tick, so a bit lasts CLKS_PER_BIT clocks and every
// decision starts from registers (busy_q, the tick, bit_q). While idle the shift register, the
// line and the bit index are loaded every clock (no valid_i test behind their enables): the
// line gets !valid_i (high, or the start bit as the byte is taken). bit_q runs 0 (start bit)
// .. 9 (stop bit sent): 9 is the only value with bits 3 and 0 set while busy.
module link_uart_tx #(
    parameter integer CLKS_PER_BIT = 16 // clock / baud, >= 1
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       valid_i,
    input  wire [7:0] data_i,
    output wire       ready_o,
    output reg        tx_o
);
    // counter width: CLKS_PER_BIT - 2 < 2^(CW-1), the top bit is the borrow (tick)
    localparam integer CW = $clog2(CLKS_PER_BIT) + 1;
    localparam integer CPB_M2 = CLKS_PER_BIT - 2;
    reg          busy_q;
    reg [CW-1:0] cnt_q;
    reg [3:0]    bit_q;
    reg [8:0]    shift_q;
    wire         tick = cnt_q[CW-1];
    wire         last = bit_q[3] && bit_q[0]; // bit_q == 9: the stop bit has been sent
    assign ready_o = !busy_q && !rst_i;

    always @(posedge clk_i) begin
        if (busy_q && !tick) cnt_q <= cnt_q - 1'b1;
        else cnt_q <= CPB_M2[CW-1:0];
        if (!busy_q) bit_q <= 4'd0;
        else if (tick) bit_q <= bit_q + 1'b1;
        if (!busy_q) begin
            shift_q <= {1'b1, data_i};
            tx_o    <= !valid_i; // start bit as the byte is taken
        end else if (tick && !last) begin
            tx_o    <= shift_q[0];
            shift_q <= {1'b1, shift_q[8:1]};
        end
        if (!busy_q) busy_q <= valid_i;
        else if (tick && last) busy_q <= 1'b0;
        if (rst_i) begin
            busy_q <= 1'b0;
            tx_o   <= 1'b1;
        end
    end
endmodule
