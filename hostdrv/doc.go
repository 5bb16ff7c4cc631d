// Package hostdrv is the host side of the lifkit link (docs/protocol.md): a Go client that
// loads networks into a running board and asks it to answer samples, over any byte stream that
// implements the tiny Transport interface (an FTDI UART, a USB CDC port, the co-simulation
// pipe of testbench/cosim, or the in-memory fakes of hostdrv/linktest).
//
// Frames are COBS-encoded with a 0x00 delimiter, carry type, sequence number and length, and
// end in a CRC-16/CCITT-FALSE. The client keeps up to a window of frames in flight (go-back-N):
// a NAK or a timeout makes it re-send from the first unanswered frame, and the device answers
// duplicates from its answer cache without executing them twice. Open agrees on a version
// (HELLO) and reads INFO, which lists every core parameter, so LoadNetwork can refuse a network
// that does not fit (*FitError) before sending a byte; it then writes the network, reads every
// byte back (*VerifyError on a difference) and asks STATUS whether the device accepted it.
// Infer answers one sample; InferBatch and InferStream pipeline many.
//
// # Invariants
//
// Every request is executed by the device exactly once and every answer handed to the caller is
// the one the device sent for that request, whatever bytes the line drops, flips or inserts
// (short of a corruption that keeps a valid CRC-16). A call that fails for any reason other than
// a device's ERR (*DeviceError) leaves the session to be resynchronised by the next call
// (HELLO). The client starts no goroutine that outlives a call: context cancellation interrupts
// a blocked Read through the Transport's read deadline. Errors are typed: *DeviceError,
// *LinkError, *FitError, *VerifyError, *FrameError, and the context's errors wrapped.
package hostdrv
