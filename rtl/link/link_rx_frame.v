`default_nettype none
// link_rx_frame: turns received bytes into checked frames (docs/protocol.md "Framing").
// COBS is decoded on the fly into a byte buffer (the raw frame: type, seq, length, body, crc);
// the CRC runs over every raw byte, so an intact frame leaves the residue 0. At the 0x00
// delimiter the block is accepted (frame_valid_o, held until frame_ack_i) or dropped with a
// one-clock bad_o pulse: invalid COBS, shorter than 6 bytes, longer than MAXBODY + 6, CRC
// mismatch, or a length field that disagrees. While a frame is held, further bytes are
// dropped up to the next delimiter and reported with overrun_o. Nothing here can wedge: every
// delimiter returns the decoder to its start state.
module link_rx_frame #(
    parameter integer AW      = 9,   // log2 buffer bytes; 2^AW >= MAXBODY + 6
    parameter integer MAXBODY = 256  // largest body accepted, 64 .. 2^AW - 6
) (
    input  wire          clk_i,
    input  wire          rst_i,
    input  wire          valid_i,     // a received byte
    input  wire [7:0]    data_i,
    // buffer write port (the engine reads the other port of the same RAM)
    output reg           we_o,
    output reg  [AW-1:0] waddr_o,
    output reg  [7:0]    wdata_o,
    // the frame
    output reg           frame_valid_o,
    output reg  [7:0]    type_o,
    output reg  [7:0]    seq_o,
    output reg  [15:0]   body_len_o,
    input  wire          frame_ack_i,
    output reg           bad_o,
    output reg           overrun_o
);
    generate
        if (MAXBODY < 64 || MAXBODY + 6 > (1 << AW)) begin : g_bad_max
            link_rx_frame_bad_MAXBODY u_error ();
        end
    endgenerate
    reg  [15:0] crc_q;
    wire [15:0] crc_next;
    reg  [7:0]  crc_in;
    link_crc16 u_crc (.crc_i(crc_q), .data_i(crc_in), .crc_o(crc_next));

    reg [16:0] n_q;        // raw bytes stored
    reg [7:0]  left_q;     // bytes left in the current COBS block (0: next byte is a code)
    reg        zero_q;     // the current block ends with an implied zero (code != 0xFF)
    reg        started_q;  // a code byte has been seen
    reg        drop_q;     // discard up to the next delimiter
    reg        over_q;     // the discard is an overrun (frame held)

    // one raw byte into the buffer and the CRC
    reg        put;
    reg [7:0]  put_b;
    always @(*) begin
        put = 1'b0;
        put_b = data_i;
        crc_in = data_i;
        if (valid_i && data_i != 8'h00 && !drop_q && !frame_valid_o) begin
            if (left_q != 0) begin
                put = 1'b1;
            end else if (started_q && zero_q) begin
                put = 1'b1;       // the implied zero of the previous block
                put_b = 8'h00;
            end
        end
        crc_in = put_b;
    end

    always @(posedge clk_i) begin
        we_o      <= 1'b0;
        bad_o     <= 1'b0;
        overrun_o <= 1'b0;
        if (frame_ack_i) frame_valid_o <= 1'b0;
        if (rst_i) begin
            frame_valid_o <= 1'b0;
            n_q <= 17'd0; left_q <= 8'd0; zero_q <= 1'b0; started_q <= 1'b0;
            drop_q <= 1'b0; over_q <= 1'b0; crc_q <= 16'hFFFF;
        end else if (valid_i) begin
            if (data_i == 8'h00) begin
                // delimiter: judge the block, then start afresh
                if (drop_q) begin
                    if (over_q) overrun_o <= 1'b1;
                    else bad_o <= 1'b1;
                end else if (started_q && !frame_valid_o) begin
                    if (left_q != 0 || n_q < 6 || crc_q != 16'h0000 ||
                        body_len_o != n_q[15:0] - 16'd6) begin
                        bad_o <= 1'b1;
                    end else begin
                        frame_valid_o <= 1'b1;
                    end
                end else if (started_q && frame_valid_o) begin
                    overrun_o <= 1'b1;
                end
                n_q <= 17'd0; left_q <= 8'd0; zero_q <= 1'b0; started_q <= 1'b0;
                drop_q <= 1'b0; over_q <= 1'b0; crc_q <= 16'hFFFF;
            end else if (!drop_q) begin
                if (frame_valid_o) begin
                    drop_q <= 1'b1; // no room: the held frame is being executed
                    over_q <= 1'b1;
                end else begin
                    if (left_q != 0) begin
                        left_q <= left_q - 1'b1;
                    end else begin
                        started_q <= 1'b1;
                        left_q <= data_i - 1'b1;
                        zero_q <= (data_i != 8'hFF);
                    end
                    if (put) begin
                        if ({15'd0, n_q} >= MAXBODY + 6) begin
                            drop_q <= 1'b1; // too long
                        end else begin
                            we_o    <= 1'b1;
                            waddr_o <= n_q[AW-1:0];
                            wdata_o <= put_b;
                            n_q     <= n_q + 1'b1;
                            crc_q   <= crc_next;
                            case (n_q)
                                17'd0: type_o <= put_b;
                                17'd1: seq_o <= put_b;
                                17'd2: body_len_o[7:0] <= put_b;
                                17'd3: body_len_o[15:8] <= put_b;
                                default: ;
                            endcase
                        end
                    end
                end
            end
        end
    end
endmodule
