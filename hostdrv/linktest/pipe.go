package linktest

import (
	"io"
	"math/rand/v2"
	"os"
	"sync"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
)

// Noise describes line faults of one direction, as probabilities per byte written. A dropped
// byte never arrives, a flipped byte arrives with one random bit inverted, an inserted byte is
// a random byte added before it.
type Noise struct {
	Drop, Flip, Insert float64
}

// End is one side of an in-memory link made by Pipe. It implements hostdrv.Transport.
type End struct {
	in    *queue // what this end reads
	out   *queue // what this end writes (the peer reads it)
	noise Noise
	rng   *rand.Rand
	rngMu *sync.Mutex

	mu       sync.Mutex
	deadline time.Time
	// Written counts bytes this end wrote, before noise.
	Written int64
}

var _ hostdrv.Transport = (*End)(nil)

type queue struct {
	mu     sync.Mutex
	buf    []byte
	closed bool
	wake   chan struct{}
}

func newQueue() *queue { return &queue{wake: make(chan struct{}, 1)} }

func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Pipe returns the two ends of an in-memory byte link. Bytes written by host pass through
// toDev noise and are read by dev; bytes written by dev pass through toHost noise. The noise is
// drawn from a generator seeded with seed, so a run is repeatable as far as the goroutines'
// interleaving allows. Writes never block.
func Pipe(seed uint64, toDev, toHost Noise) (host, dev *End) {
	a, b := newQueue(), newQueue()
	rng := rand.New(rand.NewPCG(seed, seed^0x9E3779B97F4A7C15))
	mu := &sync.Mutex{}
	host = &End{in: b, out: a, noise: toDev, rng: rng, rngMu: mu}
	dev = &End{in: a, out: b, noise: toHost, rng: rng, rngMu: mu}
	return host, dev
}

// Read implements hostdrv.Transport.
func (e *End) Read(p []byte) (int, error) {
	for {
		q := e.in
		q.mu.Lock()
		if len(q.buf) > 0 {
			n := copy(p, q.buf)
			q.buf = q.buf[n:]
			q.mu.Unlock()
			return n, nil
		}
		closed := q.closed
		q.mu.Unlock()
		if closed {
			return 0, io.EOF
		}
		e.mu.Lock()
		d := e.deadline
		e.mu.Unlock()
		if d.IsZero() {
			<-q.wake
			continue
		}
		wait := time.Until(d)
		if wait <= 0 {
			return 0, os.ErrDeadlineExceeded
		}
		t := time.NewTimer(wait)
		select {
		case <-q.wake:
		case <-t.C:
		}
		t.Stop()
	}
}

// Write implements hostdrv.Transport: it applies the noise and queues the bytes for the peer.
func (e *End) Write(p []byte) (int, error) {
	var noisy []byte
	e.rngMu.Lock()
	for _, b := range p {
		if e.noise.Insert > 0 && e.rng.Float64() < e.noise.Insert {
			noisy = append(noisy, byte(e.rng.UintN(256)))
		}
		if e.noise.Drop > 0 && e.rng.Float64() < e.noise.Drop {
			continue
		}
		if e.noise.Flip > 0 && e.rng.Float64() < e.noise.Flip {
			b ^= 1 << e.rng.UintN(8)
		}
		noisy = append(noisy, b)
	}
	e.rngMu.Unlock()
	q := e.out
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return 0, io.ErrClosedPipe
	}
	q.buf = append(q.buf, noisy...)
	e.Written += int64(len(p))
	q.mu.Unlock()
	q.signal()
	return len(p), nil
}

// SetReadDeadline implements hostdrv.Transport.
func (e *End) SetReadDeadline(t time.Time) error {
	e.mu.Lock()
	e.deadline = t
	e.mu.Unlock()
	e.in.signal()
	return nil
}

// Close closes both directions: the peer's Read returns io.EOF once it has drained what was
// written, and so does this end's.
func (e *End) Close() error {
	for _, q := range []*queue{e.in, e.out} {
		q.mu.Lock()
		q.closed = true
		q.mu.Unlock()
		q.signal()
	}
	return nil
}

// Noisy wraps a Transport with line noise: bytes written pass through toDev, bytes read through
// toHost, drawn from a generator seeded with seed.
func Noisy(t hostdrv.Transport, seed uint64, toDev, toHost Noise) hostdrv.Transport {
	return &noisy{Transport: t, rng: rand.New(rand.NewPCG(seed, seed^0x5DEECE66D)), toDev: toDev, toHost: toHost}
}

type noisy struct {
	hostdrv.Transport
	mu            sync.Mutex
	rng           *rand.Rand
	toDev, toHost Noise
}

func (n *noisy) apply(p []byte, nz Noise) []byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := make([]byte, 0, len(p)+8)
	for _, b := range p {
		if nz.Insert > 0 && n.rng.Float64() < nz.Insert {
			out = append(out, byte(n.rng.UintN(256)))
		}
		if nz.Drop > 0 && n.rng.Float64() < nz.Drop {
			continue
		}
		if nz.Flip > 0 && n.rng.Float64() < nz.Flip {
			b ^= 1 << n.rng.UintN(8)
		}
		out = append(out, b)
	}
	return out
}

func (n *noisy) Write(p []byte) (int, error) {
	if _, err := n.Transport.Write(n.apply(p, n.toDev)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Read may return fewer bytes than arrived (dropped) or more (inserted), never more than p holds.
func (n *noisy) Read(p []byte) (int, error) {
	buf := make([]byte, max(1, len(p)/2))
	k, err := n.Transport.Read(buf)
	out := n.apply(buf[:k], n.toHost)
	if len(out) > len(p) {
		out = out[:len(p)]
	}
	return copy(p, out), err
}
