// Package ftdi drives FTDI USB bridges (FT2232H, FT232H, FT231X) over the
// usb seam: vendor control requests, the UART data path, and the MPSSE
// engine (SPI, GPIO, clocking) with command batching.
//
// A Port is one channel of a chip (A or B). Reads strip the two status
// bytes (modem status, line status) the chip puts at the start of every
// packet, at every max-packet boundary of every IN transfer, not only the
// first. An MPSSE collects commands in a buffer and sends them in one bulk
// write when Flush (or a read that needs replies) is called, so that one
// USB round trip carries many SPI transactions.
//
// Invariants: the max packet size is taken from the endpoint descriptor,
// never assumed to be 64 or 512; read buffers are whole multiples of it;
// an MPSSE Flush reads exactly the number of reply bytes its queued
// commands produce, and appends 0x87 (send immediate) so the chip does not
// wait for its latency timer; BaudDivisor follows libftdi/pyftdi exactly
// (see the examples in the tests).
package ftdi
