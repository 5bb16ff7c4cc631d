package cosim

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/lifkit/lifkit/hostdrv"
)

// Board is a running co-simulation: a hostdrv.Transport whose bytes travel through the RTL's
// UART at bit level.
type Board struct {
	cmd    *exec.Cmd
	w      *os.File // to the simulation's stdin
	r      *os.File // from its stdout
	stderr bytes.Buffer
	once   sync.Once
	err    error
	mu     sync.Mutex
	up     int64
	down   int64
}

var _ hostdrv.Transport = (*Board)(nil)

// Start runs the co-simulation executable exe (from Build). env adds NAME=value settings of the
// harness, e.g. "COSIM_BIT_NOISE=0.0001" and "COSIM_SEED=7" for bit-level line noise.
func Start(exe string, env ...string) (*Board, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("cosim: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, fmt.Errorf("cosim: %w", err)
	}
	b := &Board{w: inW, r: outR}
	b.cmd = exec.Command(exe)
	if len(env) > 0 {
		b.cmd.Env = append(os.Environ(), env...)
	}
	b.cmd.Stdin, b.cmd.Stdout, b.cmd.Stderr = inR, outW, &b.stderr
	if err := b.cmd.Start(); err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("cosim: start %s: %w", exe, err)
	}
	inR.Close() // the child holds its own copies
	outW.Close()
	return b, nil
}

// Read implements hostdrv.Transport.
func (b *Board) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.mu.Lock()
	b.down += int64(n)
	b.mu.Unlock()
	return n, err
}

// Bytes returns how many bytes went to the board (up) and came back (down) so far.
func (b *Board) Bytes() (up, down int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.up, b.down
}

// Write implements hostdrv.Transport.
func (b *Board) Write(p []byte) (int, error) {
	n, err := b.w.Write(p)
	b.mu.Lock()
	b.up += int64(n)
	b.mu.Unlock()
	return n, err
}

// SetReadDeadline implements hostdrv.Transport.
func (b *Board) SetReadDeadline(t time.Time) error { return b.r.SetReadDeadline(t) }

// Close ends the simulation (EOF on its stdin) and waits for it.
func (b *Board) Close() error {
	b.once.Do(func() {
		b.w.Close()
		done := make(chan error, 1)
		go func() { done <- b.cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				b.err = fmt.Errorf("cosim: simulation exited: %w: %s", err, b.stderr.String())
			}
		case <-time.After(10 * time.Second):
			b.cmd.Process.Kill()
			<-done
			b.err = fmt.Errorf("cosim: simulation did not stop within 10 s of EOF; killed")
		}
		b.r.Close()
	})
	return b.err
}

// Summary is the harness's exit line (clocks simulated, bytes each way), once Close returned.
func (b *Board) Summary() string { return b.stderr.String() }
