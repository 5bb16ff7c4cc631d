`default_nettype none
// link_ram: simple dual-port RAM, one write and one registered read port (block RAM on
// iCE40 and ECP5). Read data appears the clock after raddr_i. Contents are not reset. A read
// of the address written in the same clock returns old or new data depending on the device
// (no_rw_check: no bypass logic); the link never uses such a read.
module link_ram #(
    parameter integer AW = 9, // log2 depth in words, 4..16
    parameter integer DW = 8, // word width in bits
    // initial contents (block RAM init): INIT_N bytes of INIT (byte 0 in the top bits) at byte
    // INIT_AT of every 2^SLOT_AW slot (DW = 8)
    parameter integer INIT_N  = 0,
    parameter integer INIT_AT = 0,
    parameter integer SLOT_AW = 4,
    parameter [1023:0] INIT   = 1024'd0
) (
    input  wire          clk_i,
    input  wire          we_i,
    input  wire [AW-1:0] waddr_i,
    input  wire [DW-1:0] wdata_i,
    input  wire [AW-1:0] raddr_i,
    output reg  [DW-1:0] rdata_o
);
    (* no_rw_check *) reg [DW-1:0] mem [0:(1<<AW)-1];
    generate
        if (INIT_N > 0) begin : g_init
            integer s, k;
            initial begin
                for (s = 0; s < (1 << (AW - SLOT_AW)); s = s + 1)
                    for (k = 0; k < INIT_N; k = k + 1)
                        mem[s * (1 << SLOT_AW) + INIT_AT + k] = INIT[1023 - 8*k -: 8];
            end
        end
    endgenerate
    always @(posedge clk_i) begin
        if (we_i) mem[waddr_i] <= wdata_i;
        rdata_o <= mem[raddr_i];
    end
endmodule
