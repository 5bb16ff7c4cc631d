package hostdrv

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// Options tune a Client. The zero value is usable.
type Options struct {
	// Timeout is how long to wait for an answer before retransmitting, on top of the time the
	// bytes need on the wire at the device's baud. Default 200 ms.
	Timeout time.Duration
	// StepTime is extra time allowed per RUN step. Default 1 ms (a generous bound: real cores
	// take microseconds).
	StepTime time.Duration
	// Retries is how many times one frame is retransmitted before the call fails with a
	// *LinkError. Default 16.
	Retries int
	// Window caps the frames in flight (the device's INFO window is the other cap). 0: no cap.
	Window int
	// MaxBody caps the frame body (the device's INFO max body is the other cap); on a noisy
	// line shorter frames get through more often. 0: no cap; otherwise at least MinBody.
	MaxBody int
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 200 * time.Millisecond
	}
	if o.StepTime <= 0 {
		o.StepTime = time.Millisecond
	}
	if o.Retries <= 0 {
		o.Retries = 16
	}
}

// LinkStats counts what the client saw on the link since Open.
type LinkStats struct {
	FramesSent    int // including retransmissions
	Retransmitted int // frames sent again after a NAK or a timeout
	Timeouts      int // waits that ended without an answer
	NaksReceived  int
	BadFrames     int // received blocks dropped by COBS, length or CRC checks
	Resyncs       int // HELLOs sent after a failed call
}

// Client speaks the lifkit link protocol (docs/protocol.md) over a Transport. Its methods are
// not safe for concurrent use; it starts no goroutines, so nothing outlives a call.
type Client struct {
	t        Transport
	opt      Options
	info     Info
	seq      byte
	deframer *Deframer
	buf      []byte
	stats    LinkStats
	needSync bool
	closed   bool
	net      *sim.Network
	pending  []Frame
	layout   *coremap.Layout // core-port devices: where the loaded network lives
}

// Open greets the device (HELLO, agreeing on a protocol version) and reads its INFO. The
// Client owns t from now on: Close closes it.
func Open(ctx context.Context, t Transport, opt Options) (*Client, error) {
	opt.defaults()
	stop := context.AfterFunc(ctx, func() { _ = t.SetReadDeadline(time.Now()) })
	defer stop()
	c := &Client{t: t, opt: opt, buf: make([]byte, 4096), deframer: NewDeframer(MaxBodyLimit)}
	c.info = Info{MaxBody: MinBody, Window: 1}
	if err := c.hello(ctx); err != nil {
		return nil, err
	}
	var body []byte
	if err := c.exchange(ctx, "INFO", one(call{typ: TypeInfo, done: func(b []byte) error { body = b; return nil }})); err != nil {
		return nil, err
	}
	var info Info
	if err := info.UnmarshalBinary(body); err != nil {
		return nil, err
	}
	c.deframer = NewDeframer(info.MaxBody)
	if opt.MaxBody > 0 {
		info.MaxBody = max(MinBody, min(info.MaxBody, opt.MaxBody))
	}
	c.info = info
	return c, nil
}

// Info returns the device's INFO as read by Open.
func (c *Client) Info() Info { return c.info }

// Stats returns the link counters.
func (c *Client) Stats() LinkStats { return c.stats }

// Close closes the transport. Further calls return ErrClosed.
func (c *Client) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	return c.t.Close()
}

// hello runs HELLO stop-and-wait until the answer carrying our nonce arrives. Answers to
// frames of an aborted earlier call are skipped.
func (c *Client) hello(ctx context.Context) error {
	nonce := rand.Uint32()
	body := []byte{ProtocolVersion, ProtocolVersion}
	body = binary.LittleEndian.AppendUint32(body, nonce)
	c.seq++
	f := AppendFrame(nil, Frame{Type: TypeHello, Seq: c.seq, Body: body})
	var lastErr error = errors.New("no answer")
	for try := 0; try <= c.opt.Retries; try++ {
		if try > 0 {
			c.stats.Retransmitted++
		}
		if _, err := c.t.Write(append([]byte{0}, f...)); err != nil { // leading 0 ends any partial frame
			return fmt.Errorf("hostdrv: HELLO: %w", err)
		}
		c.stats.FramesSent++
		deadline := time.Now().Add(c.opt.Timeout + c.wireTime(len(f)+32))
		for {
			fr, err := c.readFrame(ctx, deadline)
			if err != nil {
				if errors.Is(err, os.ErrDeadlineExceeded) {
					c.stats.Timeouts++
					break
				}
				return err
			}
			if fr.Seq != c.seq {
				continue
			}
			switch fr.Type {
			case TypeHello | Ack:
				if len(fr.Body) != 5 || binary.LittleEndian.Uint32(fr.Body[1:]) != nonce {
					continue
				}
				if fr.Body[0] != ProtocolVersion {
					return fmt.Errorf("hostdrv: HELLO: device chose protocol version %d, this host speaks %d", fr.Body[0], ProtocolVersion)
				}
				c.needSync = false
				return nil
			case TypeErr:
				return deviceError("HELLO", fr.Body)
			case TypeNak:
				c.stats.NaksReceived++
				lastErr = errors.New("device answered NAK")
			}
		}
	}
	return &LinkError{Op: "HELLO", Retries: c.opt.Retries, Err: lastErr}
}

// readFrame returns the next intact frame (bad blocks are counted and skipped), or an error
// when the deadline or ctx ends first.
func (c *Client) readFrame(ctx context.Context, deadline time.Time) (Frame, error) {
	for {
		if len(c.pending) > 0 {
			f := c.pending[0]
			c.pending = c.pending[1:]
			return f, nil
		}
		if err := ctx.Err(); err != nil {
			return Frame{}, err
		}
		d := deadline
		if cd, ok := ctx.Deadline(); ok && cd.Before(d) {
			d = cd
		}
		if err := c.t.SetReadDeadline(d); err != nil {
			return Frame{}, fmt.Errorf("hostdrv: set read deadline: %w", err)
		}
		n, err := c.t.Read(c.buf)
		c.deframer.Push(c.buf[:n], func(f Frame, ferr error) {
			if ferr != nil {
				c.stats.BadFrames++
				return
			}
			c.pending = append(c.pending, f)
		})
		if len(c.pending) > 0 {
			continue
		}
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				if cerr := ctx.Err(); cerr != nil {
					return Frame{}, cerr
				}
				if time.Now().Before(deadline) {
					continue // woken early (ctx deadline race); wait out our own deadline
				}
			}
			return Frame{}, err
		}
	}
}

// wireTime is how long n bytes take at the device's baud (10 bits per byte, 8N1).
func (c *Client) wireTime(n int) time.Duration {
	if c.info.Baud <= 0 {
		return 0
	}
	return time.Duration(int64(n) * 10 * int64(time.Second) / int64(c.info.Baud))
}

func one(cl call) func() (call, bool) {
	done := false
	return func() (call, bool) {
		if done {
			return call{}, false
		}
		done = true
		return cl, true
	}
}

// call is one request in a pipelined exchange. done receives the answer body, in request
// order.
type call struct {
	typ   byte
	body  []byte
	extra time.Duration // time the device needs to execute it (RUN)
	done  func([]byte) error
}

type inflight struct {
	call
	seq    byte
	wire   []byte
	sentAt time.Time
	tries  int
	answer *Frame
}

// exchange sends the calls next yields, keeping up to a window of frames in flight, and hands
// every answer to its call's done in order (go-back-N, docs/protocol.md "Sequence numbers").
// An ERR answer stops the exchange with a *DeviceError once the frames in flight are answered.
func (c *Client) exchange(ctx context.Context, op string, next func() (call, bool)) (err error) {
	if c.closed {
		return ErrClosed
	}
	stop := context.AfterFunc(ctx, func() { _ = c.t.SetReadDeadline(time.Now()) })
	defer stop()
	if c.needSync {
		c.stats.Resyncs++
		if err := c.hello(ctx); err != nil {
			return err
		}
	}
	defer func() {
		if err != nil {
			var de *DeviceError
			if !errors.As(err, &de) || de.Code == ErrNotSynced {
				c.needSync = true // frames may be lost mid-flight, or the device restarted: HELLO next
			}
		}
	}()
	window := c.info.Window
	if c.opt.Window > 0 {
		window = min(window, c.opt.Window)
	}
	var out []*inflight
	exhausted := false
	var firstErr error
	var goBackSeq byte
	var goBackAt time.Time
	send := func(p *inflight) error {
		p.sentAt = time.Now()
		c.stats.FramesSent++
		if _, err := c.t.Write(p.wire); err != nil {
			return fmt.Errorf("hostdrv: %s: write: %w", op, err)
		}
		return nil
	}
	resendFrom := func(i int) error {
		// One write for the whole tail keeps the link busy.
		var all []byte
		now := time.Now()
		for _, p := range out[i:] {
			all = append(all, p.wire...)
			p.sentAt = now
			p.tries++
			c.stats.FramesSent++
			c.stats.Retransmitted++
		}
		if _, err := c.t.Write(all); err != nil {
			return fmt.Errorf("hostdrv: %s: write: %w", op, err)
		}
		return nil
	}
	for {
		for !exhausted && firstErr == nil && len(out) < window {
			cl, ok := next()
			if !ok {
				exhausted = true
				break
			}
			c.seq++
			p := &inflight{call: cl, seq: c.seq}
			p.wire = AppendFrame([]byte{0}, Frame{Type: cl.typ, Seq: c.seq, Body: cl.body}) // leading 0: see docs/protocol.md
			out = append(out, p)
			if err := send(p); err != nil {
				return err
			}
		}
		if len(out) == 0 {
			return firstErr
		}
		// The oldest frame's deadline: its own time plus the wire time of everything sent with it.
		head := out[0]
		wire := 0
		for _, p := range out {
			wire += len(p.wire)
		}
		deadline := head.sentAt.Add(c.opt.Timeout + 2*c.wireTime(wire+MaxEncodedLen(c.info.MaxBody)) + head.extra)
		fr, rerr := c.readFrame(ctx, deadline)
		if rerr != nil {
			if !errors.Is(rerr, os.ErrDeadlineExceeded) {
				if errors.Is(rerr, context.Canceled) || errors.Is(rerr, context.DeadlineExceeded) {
					return fmt.Errorf("hostdrv: %s: %w", op, rerr)
				}
				return &LinkError{Op: op, Retries: head.tries, Err: rerr}
			}
			c.stats.Timeouts++
			if head.tries >= c.opt.Retries {
				return &LinkError{Op: op, Retries: head.tries, Err: errors.New("timed out")}
			}
			if err := resendFrom(0); err != nil {
				return err
			}
			continue
		}
		idx := -1
		find := func(s byte) int {
			for i, p := range out {
				if p.seq == s {
					return i
				}
			}
			return -1
		}
		switch {
		case fr.Type == TypeNak:
			c.stats.NaksReceived++
			if len(fr.Body) < 2 {
				continue
			}
			e := fr.Body[1]
			idx = find(e)
			if idx < 0 {
				continue // stale: answers for it already arrived
			}
			if e == goBackSeq && time.Since(goBackAt) < c.opt.Timeout {
				continue // already went back for this one
			}
			if out[idx].tries >= c.opt.Retries {
				return &LinkError{Op: op, Retries: out[idx].tries, Err: fmt.Errorf("device keeps answering NAK reason %d", fr.Body[0])}
			}
			goBackSeq, goBackAt = e, time.Now()
			if err := resendFrom(idx); err != nil {
				return err
			}
			continue
		default:
			idx = find(fr.Seq)
			if idx < 0 {
				continue // an answer to a frame already answered, or from an aborted call
			}
			p := out[idx]
			if fr.Type != TypeErr && fr.Type != p.typ|Ack {
				continue // not an answer to this request: a frame from the past with a reused seq
			}
			if p.answer == nil {
				fc := fr
				p.answer = &fc
			}
		}
		for len(out) > 0 && out[0].answer != nil {
			p := out[0]
			out = out[1:]
			if firstErr != nil {
				continue
			}
			if p.answer.Type == TypeErr {
				firstErr = deviceError(op, p.answer.Body)
				continue
			}
			if p.done != nil {
				if err := p.done(p.answer.Body); err != nil {
					firstErr = err
				}
			}
		}
	}
}

func deviceError(op string, body []byte) error {
	e := &DeviceError{Op: op}
	if len(body) > 0 {
		e.Code = body[0]
		e.Detail = string(bytes.ToValidUTF8(body[1:], []byte("?")))
	}
	return e
}
