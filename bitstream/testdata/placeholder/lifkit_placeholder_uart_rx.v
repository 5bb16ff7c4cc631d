`default_nettype none
// lifkit_placeholder_uart_rx: 8N1 receiver, samples each bit in its middle.
module lifkit_placeholder_uart_rx #(
    parameter integer CLKS_PER_BIT = 104  // clocks per bit, at least 4
) (
    input  wire       clk_i,
    input  wire       rst_i,
    input  wire       rx_i,
    output reg  [7:0] data_o,
    output reg        valid_o
);
    reg [1:0]  sync_q;
    reg [15:0] cnt_q;
    reg [3:0]  bit_q;
    reg        busy_q;
    always @(posedge clk_i) begin
        sync_q  <= {sync_q[0], rx_i};
        valid_o <= 1'b0;
        if (rst_i) begin
            sync_q <= 2'b11;
            busy_q <= 1'b0;
            cnt_q  <= 16'd0;
            bit_q  <= 4'd0;
            data_o <= 8'd0;
        end else if (!busy_q) begin
            if (!sync_q[1]) begin
                busy_q <= 1'b1;
                cnt_q  <= CLKS_PER_BIT[15:0] / 16'd2;
                bit_q  <= 4'd0;
            end
        end else if (cnt_q != 16'd0) begin
            cnt_q <= cnt_q - 16'd1;
        end else begin
            cnt_q <= CLKS_PER_BIT[15:0] - 16'd1;
            bit_q <= bit_q + 4'd1;
            case (bit_q)
                4'd0:    if (sync_q[1]) busy_q <= 1'b0;          // false start bit
                4'd9:    begin busy_q <= 1'b0; valid_o <= sync_q[1]; end // stop bit
                default: data_o <= {sync_q[1], data_o[7:1]};
            endcase
        end
    end
endmodule
