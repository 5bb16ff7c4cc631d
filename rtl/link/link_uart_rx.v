`default_nettype none
// link_uart_rx: UART receiver, 8N1, LSB first (docs/protocol.md "Physical layer").
// The line is synchronised through two flops; a falling edge starts a byte, every bit is sampled
// in its middle, and the stop bit must be high or the byte is dropped with frame_err_o. A byte is
// presented for one clock (valid_o); there is no back-pressure (the consumer takes one byte per
// CLKS_PER_BIT*10 clocks at most).
// Timing: the bit clock is a down counter with a borrow bit (cnt_q[CW-1], the tick): it is
// loaded with the clocks to wait minus two and the tick is set the clock after it passes zero,
// so every decision starts from registers (busy_q, the tick, bit_q) and is one or two LUTs
// deep. While idle the counter and the bit index are loaded every clock (no start test behind
// their enables). bit_q runs 0 (start bit) .. 9 (stop bit): 9 is the only value with bits 3
// and 0 set. data_o is the shift register itself: it holds from the stop bit's sample until
// the next byte's first data bit, long after valid_o.
module link_uart_rx #(
    parameter integer CLKS_PER_BIT = 16 // clock / baud, >= 4 (e.g. 48 MHz / 3 Mbaud = 16)
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       rx_i,
    output reg        valid_o,
    output wire [7:0] data_o,      // valid with valid_o
    output reg        zero_o,      // data_o == 0x00 (registered with it: a frame delimiter)
    output reg        frame_err_o
);
    generate
        if (CLKS_PER_BIT < 4) begin : g_bad_cpb
            link_uart_rx_bad_CLKS_PER_BIT u_error ();
        end
    endgenerate
    // counter width: CLKS_PER_BIT - 2 < 2^(CW-1), the top bit is the borrow (tick)
    localparam integer CW = $clog2(CLKS_PER_BIT) + 1;
    localparam integer CPB_M2 = CLKS_PER_BIT - 2;          // a bit: tick CLKS_PER_BIT clocks apart
    localparam integer CPB_HALF_M2 = CLKS_PER_BIT / 2 - 2; // start bit to its middle (>= 0)
    reg [2:0]    sync_q;
    reg          busy_q;
    reg [CW-1:0] cnt_q;
    reg [3:0]    bit_q;
    reg [7:0]    shift_q;
    wire         rx = sync_q[2];
    wire         tick = busy_q && cnt_q[CW-1];   // sample the line now
    wire         at_stop = bit_q[3] && bit_q[0]; // bit_q == 9 (bit_q <= 9 while busy)
    wire         at_start = bit_q == 4'd0;
    assign data_o = shift_q;

    always @(posedge clk_i) begin
        sync_q      <= {sync_q[1:0], rx_i};
        valid_o     <= tick && at_stop && rx;
        frame_err_o <= tick && at_stop && !rx;
        zero_o      <= shift_q == 8'h00; // shift_q holds from the last data bit to the stop bit
        if (busy_q && !cnt_q[CW-1]) cnt_q <= cnt_q - 1'b1;
        else if (busy_q) cnt_q <= CPB_M2[CW-1:0];
        else cnt_q <= CPB_HALF_M2[CW-1:0];
        if (!busy_q) bit_q <= 4'd0;
        else if (cnt_q[CW-1]) bit_q <= bit_q + 1'b1;
        if (tick && !at_start && !at_stop) shift_q <= {rx, shift_q[7:1]};
        if (!busy_q) busy_q <= !rx;                      // start bit: wait to its middle
        else if (tick && (at_stop || (at_start && rx))) busy_q <= 1'b0; // done, or a glitch
        if (rst_i) begin
            sync_q      <= 3'b111;
            busy_q      <= 1'b0;
            valid_o     <= 1'b0;
            frame_err_o <= 1'b0;
        end
    end
endmodule
