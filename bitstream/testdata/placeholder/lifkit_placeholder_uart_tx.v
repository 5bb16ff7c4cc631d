`default_nettype none
// lifkit_placeholder_uart_tx: 8N1 transmitter; a byte offered while busy is dropped.
module lifkit_placeholder_uart_tx #(
    parameter integer CLKS_PER_BIT = 104  // clocks per bit, at least 4
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire [7:0] data_i,
    input  wire       valid_i,
    output wire       tx_o,
    output wire       busy_o
);
    reg [9:0]  shift_q;
    reg [15:0] cnt_q;
    reg [3:0]  left_q;
    assign tx_o   = shift_q[0];
    assign busy_o = left_q != 4'd0;
    always @(posedge clk_i) begin
        if (rst_i) begin
            shift_q <= 10'h3ff;
            cnt_q   <= 16'd0;
            left_q  <= 4'd0;
        end else if (left_q == 4'd0) begin
            if (valid_i) begin
                shift_q <= {1'b1, data_i, 1'b0};
                cnt_q   <= CLKS_PER_BIT[15:0] - 16'd1;
                left_q  <= 4'd10;
            end
        end else if (cnt_q != 16'd0) begin
            cnt_q <= cnt_q - 16'd1;
        end else begin
            shift_q <= {1'b1, shift_q[9:1]};
            cnt_q   <= CLKS_PER_BIT[15:0] - 16'd1;
            left_q  <= left_q - 4'd1;
        end
    end
endmodule
