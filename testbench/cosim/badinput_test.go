package cosim

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/linktest"
	"github.com/lifkit/lifkit/sim"
)

// raw talks frames to the board without the client, to send what a client never would.
type raw struct {
	t  *testing.T
	b  *Board
	df *hostdrv.Deframer
	q  []hostdrv.Frame
}

func (r *raw) send(p []byte) {
	r.t.Helper()
	if _, err := r.b.Write(p); err != nil {
		r.t.Fatal(err)
	}
}

// answer waits for the next frame from the board (failing after 5 s: the RTL wedged).
func (r *raw) answer() hostdrv.Frame {
	r.t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	buf := make([]byte, 512)
	for len(r.q) == 0 {
		r.b.SetReadDeadline(deadline)
		n, err := r.b.Read(buf)
		r.df.Push(buf[:n], func(f hostdrv.Frame, err error) {
			if err == nil {
				r.q = append(r.q, f)
			}
		})
		if err != nil && len(r.q) == 0 {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				r.t.Fatalf("no answer within 5 s: the link wedged")
			}
			r.t.Fatal(err)
		}
	}
	f := r.q[0]
	r.q = r.q[1:]
	return f
}

func frame(typ, seq byte, body []byte) []byte {
	return hostdrv.AppendFrame(nil, hostdrv.Frame{Type: typ, Seq: seq, Body: body})
}

// TestCosimBadInput sends the RTL every kind of bad input docs/protocol.md lists and checks the
// answer (NAK naming the expected frame, ERR, a re-sent cached answer) and that the link keeps
// working afterwards.
func TestCosimBadInput(t *testing.T) {
	b := startBoard(t, DefaultConfig())
	r := &raw{t: t, b: b, df: hostdrv.NewDeframer(1024)}
	hello := []byte{1, 1, 0xDE, 0xAD, 0xBE, 0xEF}

	// Before HELLO: ERR not synchronised.
	r.send(frame(hostdrv.TypeInfo, 9, nil))
	if f := r.answer(); f.Type != hostdrv.TypeErr || f.Body[0] != hostdrv.ErrNotSynced {
		t.Fatalf("INFO before HELLO: %+v, want ERR not synchronised", f)
	}
	// HELLO with no common version: ERR.
	r.send(frame(hostdrv.TypeHello, 3, []byte{2, 3, 0, 0, 0, 0}))
	if f := r.answer(); f.Type != hostdrv.TypeErr || f.Body[0] != hostdrv.ErrVersion {
		t.Fatalf("HELLO for version 2..3: %+v, want ERR version", f)
	}
	r.send(frame(hostdrv.TypeHello, 10, hello))
	if f := r.answer(); f.Type != hostdrv.TypeHello|hostdrv.Ack || f.Seq != 10 || !bytes.Equal(f.Body, []byte{1, 0xDE, 0xAD, 0xBE, 0xEF}) {
		t.Fatalf("HELLO: %+v", f)
	}
	expectNak := func(what string, reason, seq byte) {
		t.Helper()
		f := r.answer()
		if f.Type != hostdrv.TypeNak || len(f.Body) != 2 || f.Body[0] != reason || f.Body[1] != seq {
			t.Fatalf("%s: %+v, want NAK reason %d expecting %d", what, f, reason, seq)
		}
	}
	good := frame(hostdrv.TypeStatus, 11, nil)
	// Bad CRC.
	bad := append([]byte(nil), good...)
	bad[2] ^= 0x40
	r.send(bad)
	expectNak("bad CRC", hostdrv.NakCorrupt, 11)
	// Truncated frame (delimiter early).
	r.send(append(append([]byte(nil), good[:len(good)-3]...), 0))
	expectNak("truncated", hostdrv.NakCorrupt, 11)
	// Oversized length: a body longer than MaxBody.
	r.send(frame(hostdrv.TypeWrite, 11, make([]byte, 300)))
	expectNak("oversized", hostdrv.NakCorrupt, 11)
	// A length field that lies (CRC right).
	lie := []byte{hostdrv.TypeStatus, 11, 5, 0}
	lie = binary.BigEndian.AppendUint16(lie, hostdrv.CRC16(0xFFFF, lie))
	r.send(append(hostdrv.AppendCOBS(nil, lie), 0))
	expectNak("length lies", hostdrv.NakCorrupt, 11)
	// Garbage between frames, then a good frame: one NAK for the garbage, then the answer.
	r.send([]byte{0x55, 0x13, 0x37, 0})
	expectNak("garbage", hostdrv.NakCorrupt, 11)
	r.send(good)
	if f := r.answer(); f.Type != hostdrv.TypeStatus|hostdrv.Ack || f.Seq != 11 {
		t.Fatalf("STATUS after bad input: %+v", f)
	}
	// Duplicate: the cached answer again, byte for byte, without executing twice.
	r.send(good)
	if f := r.answer(); f.Type != hostdrv.TypeStatus|hostdrv.Ack || f.Seq != 11 {
		t.Fatalf("duplicate STATUS: %+v", f)
	}
	// Out of order (a frame was lost): NAK naming 12.
	r.send(frame(hostdrv.TypeStatus, 14, nil))
	expectNak("out of order", hostdrv.NakOutOfOrder, 12)
	// Unknown command: ERR, and the sequence number is consumed.
	r.send(frame(0x3C, 12, nil))
	if f := r.answer(); f.Type != hostdrv.TypeErr || f.Seq != 12 || f.Body[0] != hostdrv.ErrUnknownCommand {
		t.Fatalf("unknown command: %+v", f)
	}
	// Bad arguments: READ past the input RAM, WRITE to a space the RTL lacks, RUN with 0 steps.
	r.send(frame(hostdrv.TypeRead, 13, binary.LittleEndian.AppendUint16(hostdrv.EncodeAccess(hostdrv.SpaceInput, 0, 1<<20), 4)))
	if f := r.answer(); f.Type != hostdrv.TypeErr || f.Body[0] != hostdrv.ErrBadSpace {
		t.Fatalf("READ past the input RAM: %+v", f)
	}
	r.send(frame(hostdrv.TypeWrite, 14, hostdrv.EncodeAccess(hostdrv.SpaceW, 0, 0)))
	if f := r.answer(); f.Type != hostdrv.TypeErr || f.Body[0] != hostdrv.ErrBadSpace {
		t.Fatalf("WRITE to space 3: %+v", f)
	}
	r.send(frame(hostdrv.TypeRun, 15, hostdrv.RunRequest{Steps: 0}.Encode()))
	if f := r.answer(); f.Type != hostdrv.TypeErr || f.Body[0] != hostdrv.ErrTooBig {
		t.Fatalf("RUN 0 steps: %+v", f)
	}
	// A run of non-zero bytes far longer than any frame, then a good frame.
	r.send(append(bytes.Repeat([]byte{0x11}, 2000), 0))
	expectNak("runaway block", hostdrv.NakCorrupt, 16)
	r.send(frame(hostdrv.TypeStatus, 16, nil))
	f := r.answer()
	var st hostdrv.Status
	if f.Type != hostdrv.TypeStatus|hostdrv.Ack || st.UnmarshalBinary(f.Body) != nil {
		t.Fatalf("final STATUS: %+v", f)
	}
	if st.CRCErrors != 6 || st.Naks != 7 || st.Duplicates != 1 || st.BadCommands != 6 {
		t.Fatalf("counters %+v, want 6 CRC errors, 7 NAKs, 1 duplicate, 6 bad commands", st)
	}
}

// soak is the sample multiplier of the line-noise test: $LIFKIT_SOAK (default 1).
func soak() int {
	if k, err := strconv.Atoi(os.Getenv("LIFKIT_SOAK")); err == nil && k > 1 {
		return k
	}
	return 1
}

// TestCosimLineNoise: bytes dropped and flipped on both directions of the co-simulated UART
// at the stated rates, with the link window at 4 frames; every answer must still equal sim's (zero wrong results accepted).
func TestCosimLineNoise(t *testing.T) {
	const drop, flip = 0.001, 0.001 // per byte, each direction
	rng := rand.New(rand.NewPCG(32, 0))
	n := linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true)
	cfg := DefaultConfig()
	cfg.WSH = 2                                                                               // window 4: go-back-N through the RTL's frame FIFO and answer cache
	c, _ := boardCfg(t, cfg, 7, linktest.Noise{Drop: drop, Flip: flip}, 400*time.Millisecond) // generous: a loaded CI machine slows the simulated board
	if c.Info().Window != 4 {
		t.Fatalf("INFO window %d, want 4", c.Info().Window)
	}
	if err := c.LoadNetwork(context.Background(), n); err != nil {
		t.Fatal(err)
	}
	samples := make([]sim.Sample, 200*soak())
	for i := range samples {
		samples[i] = linktest.RandomSample(rng, n.Inputs)
	}
	agree(t, c, n, samples)
	t.Logf("noise: drop %.4f, flip %.4f per byte each way", drop, flip)
	if c.Stats().Retransmitted == 0 {
		t.Fatalf("no retransmission: the noise never hit, the test proves nothing")
	}
}

// TestCosimGarbageNeverWedges: 150 bursts of random bytes (zeros included, up to 700 bytes,
// sometimes cut-off real frames) each followed by a good STATUS; the board must answer every
// STATUS (after any NAKs), so no garbage leaves it stuck.
func TestCosimGarbageNeverWedges(t *testing.T) {
	b := startBoard(t, DefaultConfig())
	r := &raw{t: t, b: b, df: hostdrv.NewDeframer(1024)}
	r.send(frame(hostdrv.TypeHello, 0, []byte{1, 1, 0, 0, 0, 0}))
	if f := r.answer(); f.Type != hostdrv.TypeHello|hostdrv.Ack {
		t.Fatalf("HELLO: %+v", f)
	}
	rng := rand.New(rand.NewPCG(33, 0))
	seq := byte(1)
	for burst := range 150 {
		var g []byte
		switch rng.IntN(3) {
		case 0: // random bytes
			g = make([]byte, rng.IntN(700))
			for i := range g {
				g[i] = byte(rng.UintN(256))
			}
		case 1: // a real frame cut short, no delimiter
			f := frame(hostdrv.TypeWrite, seq, make([]byte, rng.IntN(200)))
			g = f[:rng.IntN(len(f))]
		default: // random non-zero run
			g = bytes.Repeat([]byte{byte(1 + rng.IntN(255))}, rng.IntN(700))
		}
		r.send(append(g, 0))
		r.send(frame(hostdrv.TypeStatus, seq, nil))
		for {
			f := r.answer()
			if f.Type == hostdrv.TypeNak {
				continue
			}
			if f.Type != hostdrv.TypeStatus|hostdrv.Ack || f.Seq != seq {
				t.Fatalf("burst %d (%d bytes): answer %+v, want STATUS ack seq %d", burst, len(g), f, seq)
			}
			break
		}
		seq++
	}
}

// TestCosimBitNoise: bit-level noise on both UART lines, busy or idle (bit times inverted at
// random, so bytes are corrupted, lost, invented or misframed), window 4; every answer must
// equal sim's and the board must have seen UART framing errors.
func TestCosimBitNoise(t *testing.T) {
	const perBit = 0.0002
	cfg := DefaultConfig()
	cfg.WSH = 2
	b := startBoard(t, cfg, fmt.Sprintf("COSIM_BIT_NOISE=%g", perBit), "COSIM_SEED=11")
	ctx := context.Background()
	c, err := hostdrv.Open(ctx, b, hostdrv.Options{Timeout: 400 * time.Millisecond, StepTime: 20 * time.Millisecond, Retries: 30})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(35, 0))
	n := linktest.RandomNetwork(rng, []int{20, 24, 5}, true, true)
	if err := c.LoadNetwork(ctx, n); err != nil {
		t.Fatal(err)
	}
	samples := make([]sim.Sample, 100*soak())
	for i := range samples {
		samples[i] = linktest.RandomSample(rng, n.Inputs)
	}
	agree(t, c, n, samples)
	st, err := c.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("bit noise %g per bit each way: board status %+v", perBit, st)
	if st.UARTErrors == 0 || st.CRCErrors == 0 {
		t.Fatalf("no UART framing or CRC errors: the bit noise did not reach the receiver")
	}
}
