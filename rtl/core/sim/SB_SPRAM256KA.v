`default_nettype none
// Behavioural model of the iCE40 UP5K SB_SPRAM256KA (16K x 16 single-port RAM) for Verilator and
// Icarus, restricted to what lif_wmem_spram uses: CHIPSELECT=1, STANDBY=SLEEP=0, POWEROFF=1.
// Synthesis uses the Yosys primitive; never pass this file to yosys.
module SB_SPRAM256KA (
    input  wire [13:0] ADDRESS,
    input  wire [15:0] DATAIN,
    input  wire [3:0]  MASKWREN,
    input  wire        WREN,
    input  wire        CHIPSELECT,
    input  wire        CLOCK,
    input  wire        STANDBY,
    input  wire        SLEEP,
    input  wire        POWEROFF,
    output reg  [15:0] DATAOUT
);
    reg [15:0] mem_q [0:16383];
    wire on = CHIPSELECT & ~STANDBY & ~SLEEP & POWEROFF;

    always @(posedge CLOCK) begin
        if (on) begin
            if (WREN) begin
                if (MASKWREN[0]) mem_q[ADDRESS][3:0]   <= DATAIN[3:0];
                if (MASKWREN[1]) mem_q[ADDRESS][7:4]   <= DATAIN[7:4];
                if (MASKWREN[2]) mem_q[ADDRESS][11:8]  <= DATAIN[11:8];
                if (MASKWREN[3]) mem_q[ADDRESS][15:12] <= DATAIN[15:12];
            end else begin
                DATAOUT <= mem_q[ADDRESS];
            end
        end
    end
endmodule
