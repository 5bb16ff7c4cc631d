package hostdrv

import "time"

// Transport is the byte stream between the host and a board: a UART behind an FTDI chip, a USB
// CDC serial device, a pipe to the co-simulation, or an in-memory fake. It is deliberately tiny
// so every link can implement it; net.Conn and *os.File (pipes, ttys opened non-blocking)
// already do.
//
// Read returns whatever bytes have arrived (at least one) or an error. When the read deadline
// passes, Read returns an error for which errors.Is(err, os.ErrDeadlineExceeded) holds; the
// client treats that as "no answer yet", never as a broken link. A zero deadline means none.
// Write writes all of p or returns an error. Close releases the link and makes a pending Read
// return.
//
// The protocol (docs/protocol.md) tolerates a lossy Transport: bytes may be dropped, flipped or
// inserted, and the client retransmits. A Transport must not reorder bytes.
type Transport interface {
	Read(p []byte) (int, error)
	Write(p []byte) (int, error)
	SetReadDeadline(t time.Time) error
	Close() error
}
