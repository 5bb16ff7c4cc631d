package serial

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
)

// FTDI is a UART on one FTDI channel.
type FTDI struct {
	mu       sync.Mutex
	p        *ftdi.Port
	baud     int
	deadline time.Time
	closed   bool
	pending  []byte
	// Poll is the pause between reads that return nothing; a real chip
	// already waits its latency timer, so the default is short.
	Poll time.Duration
}

var _ hostdrv.Transport = (*FTDI)(nil)

// OpenFTDI claims channel n of an opened FTDI device and sets it up as an
// 8N1 UART at baud, no flow control, 1 ms latency timer.
func OpenFTDI(ctx context.Context, dev usb.Device, n, baud int) (*FTDI, error) {
	p, err := ftdi.Open(ctx, dev, n)
	if err != nil {
		return nil, fmt.Errorf("serial: %w", err)
	}
	fail := func(err error) (*FTDI, error) {
		p.Close(ctx)
		return nil, fmt.Errorf("serial: %w", err)
	}
	if err := p.SetBitMode(ctx, 0, ftdi.ModeReset); err != nil {
		return fail(err)
	}
	actual, err := p.SetBaudRate(ctx, baud)
	if err != nil {
		return fail(err)
	}
	if d := actual - baud; d*100 > baud*3 || -d*100 > baud*3 {
		return fail(fmt.Errorf("baud rate %d: the chip can only make %d (off by more than 3%%)", baud, actual))
	}
	steps := []func() error{
		func() error { return p.SetLineProperties(ctx, 8, ftdi.ParityNone, 1) },
		func() error { return p.SetFlowControl(ctx, ftdi.FlowNone) },
		func() error { return p.SetModem(ctx, true, true) },
		func() error { return p.SetLatency(ctx, 1) },
		func() error { return p.Purge(ctx) },
	}
	for _, s := range steps {
		if err := s(); err != nil {
			return fail(err)
		}
	}
	return &FTDI{p: p, baud: actual, Poll: 200 * time.Microsecond}, nil
}

// Baud returns the baud rate the chip runs at.
func (u *FTDI) Baud() int { return u.baud }

// Port returns the FTDI port (traffic statistics).
func (u *FTDI) Port() *ftdi.Port { return u.p }

// SetReadDeadline sets the deadline for Read; zero means none.
func (u *FTDI) SetReadDeadline(t time.Time) error {
	u.mu.Lock()
	u.deadline = t
	u.mu.Unlock()
	return nil
}

// Read returns the bytes that have arrived, waiting until the deadline.
func (u *FTDI) Read(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	for {
		u.mu.Lock()
		if u.closed {
			u.mu.Unlock()
			return 0, fmt.Errorf("serial: read: %w", os.ErrClosed)
		}
		if len(u.pending) > 0 {
			n := copy(b, u.pending)
			u.pending = u.pending[n:]
			u.mu.Unlock()
			return n, nil
		}
		dl := u.deadline
		u.mu.Unlock()
		if !dl.IsZero() && !time.Now().Before(dl) {
			return 0, fmt.Errorf("serial: read: %w", os.ErrDeadlineExceeded)
		}
		ctx := context.Background()
		var cancel context.CancelFunc = func() {}
		if !dl.IsZero() {
			ctx, cancel = context.WithDeadline(ctx, dl)
		}
		got, err := u.p.ReadAvailable(ctx, nil, len(b))
		cancel()
		if len(got) > 0 {
			n := copy(b, got)
			u.mu.Lock()
			u.pending = append(u.pending, got[n:]...)
			u.mu.Unlock()
			return n, nil
		}
		if err != nil {
			if errors.Is(err, usb.ErrTimeout) {
				continue // the deadline check above decides.
			}
			return 0, fmt.Errorf("serial: read: %w", err)
		}
		time.Sleep(u.Poll)
	}
}

// Write sends all of b.
func (u *FTDI) Write(b []byte) (int, error) {
	u.mu.Lock()
	closed := u.closed
	u.mu.Unlock()
	if closed {
		return 0, fmt.Errorf("serial: write: %w", os.ErrClosed)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second+time.Duration(len(b))*10*time.Second/time.Duration(u.baud))
	defer cancel()
	if err := u.p.Write(ctx, b); err != nil {
		return 0, fmt.Errorf("serial: write: %w", err)
	}
	return len(b), nil
}

// Close releases the channel.
func (u *FTDI) Close() error {
	u.mu.Lock()
	if u.closed {
		u.mu.Unlock()
		return nil
	}
	u.closed = true
	u.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return u.p.Close(ctx)
}
