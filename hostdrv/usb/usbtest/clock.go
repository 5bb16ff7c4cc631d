package usbtest

import (
	"fmt"
	"time"
)

// Clock is the emulator's time model. Time advances by the clock cycles
// the engine drives at its programmed frequency, by a fixed overhead per
// USB transfer, by the bytes moved at the bus's bulk rate, and by latency
// timer waits. It is deterministic: it never reads the wall clock.
type Clock struct {
	Now time.Duration
	// Cycles counts SPI/JTAG clock cycles driven.
	Cycles int64
	// OutTransfers, InTransfers and the byte counts (status bytes
	// included) count bulk traffic.
	OutTransfers, InTransfers int
	OutBytes, InBytes         int64
	// LatencyWaits counts short packets held back by the latency timer.
	LatencyWaits int
	// UARTBytes counts bytes carried by emulated UARTs (both ways).
	UARTBytes int64
}

// USB timing assumptions of the model.
const (
	// TransferOverheadHS is charged per bulk transfer at high speed: one
	// 125 us microframe for the host controller to schedule it.
	TransferOverheadHS = 125 * time.Microsecond
	// TransferOverheadFS is charged per transfer at full speed: one 1 ms frame.
	TransferOverheadFS = time.Millisecond
	// ByteTimeHS and ByteTimeFS are per-byte bulk costs (about 40 MB/s
	// and 1 MB/s of usable bulk bandwidth).
	ByteTimeHS = 25 * time.Nanosecond
	ByteTimeFS = time.Microsecond
)

func (c *Clock) cycles(n int64, freqHz int) {
	c.Cycles += n
	c.Now += time.Duration(n * int64(time.Second) / int64(freqHz))
}

func (c *Clock) String() string {
	return fmt.Sprintf("%v emulated, %d clock cycles, %d OUT transfers (%d B), %d IN transfers (%d B), %d latency waits",
		c.Now, c.Cycles, c.OutTransfers, c.OutBytes, c.InTransfers, c.InBytes, c.LatencyWaits)
}

func durationOf(n int) time.Duration { return time.Duration(n) }

func durationMS(ms int) time.Duration { return time.Duration(ms) * time.Millisecond }
