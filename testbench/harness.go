package testbench

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// Harness command codes (testbench/harness/main.cpp).
const (
	cmdQuit  = 0
	cmdWrite = 1
	cmdRead  = 2
	cmdRun   = 3
	cmdSync  = 4
)

// Update is one neuron's state after a step, as lif_core emits it (rule S-18).
type Update struct {
	Layer, Index int
	I, V         int32
	Spike        bool
	R            uint8
}

// StepResult is what one step produced: every neuron update in emission order and the clocks
// the step took.
type StepResult struct {
	Clocks  int
	Updates []Update
}

// RunResult is the outcome of one RUN command.
type RunResult struct {
	Steps       []StepResult
	TotalClocks int
}

// Proc is a running harness process. Commands are queued and sent in one batch by Flush, so
// the simulator never waits on the pipe per clock. A Proc is not safe for concurrent use.
type Proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Reader
	stderr bytes.Buffer
	q      []uint32
	// expected answers, in order
	want []answer
	// batch, when set, runs a whole command stream at once (Icarus): Flush hands it the
	// encoded commands and parses what it returns. State does not survive a Flush.
	batch func(in []byte) ([]byte, error)
}

type answer struct {
	kind  int
	read  *uint32
	run   *RunResult
	steps int
}

// Start runs the harness executable with extra arguments (e.g. "+verilator+rand+reset+2",
// "+verilator+seed+7", "--waves", "out.fst").
func Start(exe string, args ...string) (*Proc, error) {
	p := &Proc{cmd: exec.Command(exe, args...)}
	p.cmd.Stderr = &p.stderr
	in, err := p.cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("testbench: %w", err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("testbench: %w", err)
	}
	if err := p.cmd.Start(); err != nil {
		return nil, fmt.Errorf("testbench: start %s: %w", exe, err)
	}
	p.stdin, p.stdout = in, bufio.NewReaderSize(out, 1<<20)
	return p, nil
}

// Write queues a host port write.
func (p *Proc) Write(addr, data uint32) { p.q = append(p.q, cmdWrite, addr, data) }

// Read queues a host port read; *dst is set by Flush.
func (p *Proc) Read(addr uint32, dst *uint32) {
	p.q = append(p.q, cmdRead, addr)
	p.want = append(p.want, answer{kind: cmdRead, read: dst})
}

// RunEvents queues a run in event mode: events[t] are the input spikes of step t (steps past
// len(events) have none). clear starts a new sample.
func (p *Proc) RunEvents(steps int, events [][]int, clear bool, dst *RunResult) {
	p.q = append(p.q, cmdRun, uint32(steps), 0, b2u(clear))
	for t := 0; t < steps; t++ {
		var ev []int
		if t < len(events) {
			ev = events[t]
		}
		p.q = append(p.q, uint32(len(ev)))
		for _, j := range ev {
			p.q = append(p.q, uint32(j))
		}
	}
	p.want = append(p.want, answer{kind: cmdRun, run: dst, steps: steps})
}

// RunIntensity queues a run in intensity mode (the intensity RAM must hold the sample).
func (p *Proc) RunIntensity(steps int, clear bool, dst *RunResult) {
	p.q = append(p.q, cmdRun, uint32(steps), 1, b2u(clear))
	p.want = append(p.want, answer{kind: cmdRun, run: dst, steps: steps})
}

func b2u(b bool) uint32 {
	if b {
		return 1
	}
	return 0
}

// Flush sends the queued commands and reads every answer.
func (p *Proc) Flush() error {
	p.q = append(p.q, cmdSync)
	p.want = append(p.want, answer{kind: cmdSync})
	buf := make([]byte, 4*len(p.q))
	for i, v := range p.q {
		binary.LittleEndian.PutUint32(buf[4*i:], v)
	}
	p.q = p.q[:0]
	if p.batch != nil {
		out, err := p.batch(buf)
		if err != nil {
			p.want = nil
			return fmt.Errorf("testbench: %w", err)
		}
		p.stdout = bufio.NewReader(bytes.NewReader(out))
		want := p.want
		p.want = nil
		for _, a := range want {
			if err := p.readAnswer(a); err != nil {
				return fmt.Errorf("testbench: batch answer: %w", err)
			}
		}
		return nil
	}
	errc := make(chan error, 1)
	go func() {
		_, err := p.stdin.Write(buf)
		errc <- err
	}()
	want := p.want
	p.want = nil
	var rerr error
	for _, a := range want {
		if rerr = p.readAnswer(a); rerr != nil {
			break
		}
	}
	werr := <-errc
	if rerr != nil {
		return p.fail(rerr)
	}
	if werr != nil {
		return p.fail(werr)
	}
	return nil
}

func (p *Proc) fail(err error) error {
	msg := strings.TrimSpace(p.stderr.String())
	if msg != "" {
		return fmt.Errorf("testbench: harness: %w (stderr: %s)", err, msg)
	}
	return fmt.Errorf("testbench: harness: %w", err)
}

func (p *Proc) word() (uint32, error) {
	var b [4]byte
	if _, err := io.ReadFull(p.stdout, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}

func (p *Proc) readAnswer(a answer) error {
	tag, err := p.word()
	if err != nil {
		return err
	}
	if int(tag) != a.kind {
		return fmt.Errorf("answer tag %d, want %d (protocol out of step)", tag, a.kind)
	}
	switch a.kind {
	case cmdRead:
		v, err := p.word()
		if err != nil {
			return err
		}
		*a.read = v
	case cmdRun:
		r := a.run
		r.Steps = make([]StepResult, a.steps)
		for t := range r.Steps {
			clk, err := p.word()
			if err != nil {
				return err
			}
			n, err := p.word()
			if err != nil {
				return err
			}
			raw := make([]byte, 12*int(n))
			if _, err := io.ReadFull(p.stdout, raw); err != nil {
				return err
			}
			ups := make([]Update, n)
			for i := range ups {
				w0 := binary.LittleEndian.Uint32(raw[12*i:])
				ups[i] = Update{
					Index: int(w0 & 0xFFFF), Layer: int(w0 >> 16 & 15), Spike: w0>>20&1 == 1, R: uint8(w0 >> 24 & 15),
					I: int32(binary.LittleEndian.Uint32(raw[12*i+4:])), V: int32(binary.LittleEndian.Uint32(raw[12*i+8:])),
				}
			}
			r.Steps[t] = StepResult{Clocks: int(clk), Updates: ups}
		}
		tot, err := p.word()
		if err != nil {
			return err
		}
		r.TotalClocks = int(tot)
	}
	return nil
}

// Close ends the harness process.
func (p *Proc) Close() error {
	if p.batch != nil {
		return nil
	}
	binary.Write(p.stdin, binary.LittleEndian, uint32(cmdQuit))
	p.stdin.Close()
	if err := p.cmd.Wait(); err != nil {
		return p.fail(err)
	}
	return nil
}

// Kill stops the harness without waiting for it to finish its work.
func (p *Proc) Kill() {
	if p.cmd == nil {
		return
	}
	if p.cmd.Process != nil {
		p.cmd.Process.Signal(os.Kill)
	}
	p.cmd.Wait()
}
