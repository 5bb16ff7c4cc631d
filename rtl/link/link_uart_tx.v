`default_nettype none
// link_uart_tx: UART transmitter, 8N1, LSB first. A byte is taken when valid_i & ready_o.
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
    localparam integer CW = $clog2(CLKS_PER_BIT + 1);
    localparam integer CPB_M1 = CLKS_PER_BIT - 1;
    reg          busy_q;
    reg [CW-1:0] cnt_q;
    reg [3:0]    bit_q;
    reg [8:0]    shift_q;
    assign ready_o = !busy_q && !rst_i;

    always @(posedge clk_i) begin
        if (rst_i) begin
            busy_q <= 1'b0;
            tx_o   <= 1'b1;
            cnt_q  <= {CW{1'b0}};
            bit_q  <= 4'd0;
        end else if (!busy_q) begin
            if (valid_i) begin
                busy_q  <= 1'b1;
                tx_o    <= 1'b0; // start bit
                shift_q <= {1'b1, data_i};
                cnt_q   <= CPB_M1[CW-1:0];
                bit_q   <= 4'd0;
            end
        end else if (cnt_q != 0) begin
            cnt_q <= cnt_q - 1'b1;
        end else if (bit_q == 4'd9) begin
            busy_q <= 1'b0; // stop bit done
        end else begin
            tx_o    <= shift_q[0];
            shift_q <= {1'b1, shift_q[8:1]};
            bit_q   <= bit_q + 1'b1;
            cnt_q   <= CPB_M1[CW-1:0];
        end
    end
endmodule
