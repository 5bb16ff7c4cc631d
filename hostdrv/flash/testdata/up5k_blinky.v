`default_nettype none
module top(input wire clk, output wire led);
  reg [23:0] c = 0;
  always @(posedge clk) c <= c + 1;
  assign led = c[23];
endmodule
