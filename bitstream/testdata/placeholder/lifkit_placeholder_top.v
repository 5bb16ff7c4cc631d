`default_nettype none
// lifkit_placeholder_top: a stand-in for rtl/top used to exercise the bitstream flow until the
// real core lands. It echoes every UART byte back (8N1, CLKS_PER_BIT clocks per bit) and blinks
// the LEDs from a free-running counter. It has the port list the board wrapper expects of any
// lifkit top level: clk_i, rst_i (synchronous, active high), uart_rx_i, uart_tx_o, led_o.
module lifkit_placeholder_top #(
    parameter integer CLK_HZ = 12000000,   // core clock in Hz, 1e6..400e6
    parameter integer BAUD   = 115200,     // UART bit rate, at most CLK_HZ/4
    parameter integer LEDS   = 4           // number of LED outputs, 1..8
) (
    input  wire            clk_i,
    input  wire            rst_i,
    input  wire            uart_rx_i,
    output wire            uart_tx_o,
    output wire [LEDS-1:0] led_o
);
    localparam integer CLKS_PER_BIT = CLK_HZ / BAUD;
    initial begin
        if (CLKS_PER_BIT < 4) $error("lifkit_placeholder_top: CLK_HZ/BAUD must be at least 4");
        if (LEDS < 1 || LEDS > 8) $error("lifkit_placeholder_top: LEDS must be 1..8");
    end

    wire [7:0] rx_data;
    wire       rx_valid;
    wire       tx_busy;

    lifkit_placeholder_uart_rx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_rx (
        .clk_i(clk_i), .rst_i(rst_i), .rx_i(uart_rx_i), .data_o(rx_data), .valid_o(rx_valid)
    );
    lifkit_placeholder_uart_tx #(.CLKS_PER_BIT(CLKS_PER_BIT)) u_tx (
        .clk_i(clk_i), .rst_i(rst_i), .data_i(rx_data), .valid_i(rx_valid),
        .tx_o(uart_tx_o), .busy_o(tx_busy)
    );

    reg [31:0] count_q;
    always @(posedge clk_i) begin
        if (rst_i) count_q <= 32'd0;
        else       count_q <= count_q + 32'd1;
    end
    assign led_o = count_q[31 -: LEDS] ^ {LEDS{tx_busy}};
endmodule
