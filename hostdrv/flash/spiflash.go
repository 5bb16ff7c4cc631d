package flash

import (
	"bytes"
	"context"
	"fmt"
)

// spiPort carries CS-framed SPI transactions to a 25-series flash: over
// MPSSE pins (iCE40 boards) or through an ECP5's background SPI over JTAG.
type spiPort interface {
	// tx queues one transaction: CS low, out sent, then len(in) bytes
	// read into in (at Flush), CS high.
	tx(ctx context.Context, out, in []byte) error
	// flush sends what is queued and fills the queued reads.
	flush(ctx context.Context) error
	// maxRead is the most bytes one transaction should read.
	maxRead() int
}

// spiFlash is the flash algorithm shared by every port: JEDEC ID check,
// block erase of what the image covers, batched page programs, verify.
type spiFlash struct {
	p       spiPort
	maxBusy int
}

func (s spiFlash) readID(ctx context.Context) (Part, error) {
	in := make([]byte, 3)
	if err := s.p.tx(ctx, []byte{0x9F}, in); err != nil {
		return Part{}, fmt.Errorf("flash: read id: %w", err)
	}
	if err := s.p.flush(ctx); err != nil {
		return Part{}, fmt.Errorf("flash: read id: %w", err)
	}
	return LookupPart([3]byte{in[0], in[1], in[2]})
}

// waitReady polls the status register until BUSY reads clear three times
// in a row (as iceprog does).
func (s spiFlash) waitReady(ctx context.Context, what string) error {
	st := make([]byte, 3)
	for i := 0; i < s.maxBusy; i++ {
		if err := s.p.tx(ctx, []byte{0x05}, st); err != nil {
			return fmt.Errorf("flash: %s: %w", what, err)
		}
		if err := s.p.flush(ctx); err != nil {
			return fmt.Errorf("flash: %s: %w", what, err)
		}
		if st[0]&1 == 0 && st[1]&1 == 0 && st[2]&1 == 0 {
			return nil
		}
	}
	return fmt.Errorf("flash: %s: %w after %d status polls; power-cycle the board and try again", what, ErrBusy, s.maxBusy)
}

func addr24(op byte, a int) []byte { return []byte{op, byte(a >> 16), byte(a >> 8), byte(a)} }

// write erases the 64 KiB blocks img covers (only those), programs it at
// address base 0 and, unless o.NoVerify, reads it back.
func (s spiFlash) write(ctx context.Context, img []byte, part Part, o Options) error {
	if len(img) > part.Size {
		return &TooLargeError{Image: len(img), Part: part}
	}
	if o.PagesPerBatch <= 0 {
		o.PagesPerBatch = 16
	}
	if o.StatusReads <= 0 {
		o.StatusReads = 4
	}
	progress := o.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	const block = 64 << 10
	end := (len(img) + block - 1) / block * block
	for a := 0; a < end; a += block {
		if err := s.p.tx(ctx, []byte{0x06}, nil); err != nil {
			return fmt.Errorf("flash: erase 0x%06x: %w", a, err)
		}
		if err := s.p.tx(ctx, addr24(0xD8, a), nil); err != nil {
			return fmt.Errorf("flash: erase 0x%06x: %w", a, err)
		}
		if err := s.waitReady(ctx, fmt.Sprintf("erase 0x%06x", a)); err != nil {
			return err
		}
		progress("erase", a+block, end)
	}
	if err := s.programPages(ctx, img, o, progress); err != nil {
		return err
	}
	if !o.NoVerify {
		return s.verify(ctx, img, progress)
	}
	return nil
}

// programPages programs img in batches of pages, each page followed by
// status reads; pages after one that was still busy are redone.
func (s spiFlash) programPages(ctx context.Context, img []byte, o Options, progress Progress) error {
	const page = 256
	type pageStatus struct {
		addr int
		st   []byte
	}
	for a := 0; a < len(img); {
		var batch []pageStatus
		b := a
		for len(batch) < o.PagesPerBatch && b < len(img) {
			n := page - b%page
			if b+n > len(img) {
				n = len(img) - b
			}
			if err := s.p.tx(ctx, []byte{0x06}, nil); err != nil {
				return fmt.Errorf("flash: write 0x%06x: %w", b, err)
			}
			if err := s.p.tx(ctx, append(addr24(0x02, b), img[b:b+n]...), nil); err != nil {
				return fmt.Errorf("flash: write 0x%06x: %w", b, err)
			}
			st := make([]byte, o.StatusReads)
			if err := s.p.tx(ctx, []byte{0x05}, st); err != nil {
				return fmt.Errorf("flash: write 0x%06x: %w", b, err)
			}
			batch = append(batch, pageStatus{b, st})
			b += n
		}
		if err := s.p.flush(ctx); err != nil {
			return fmt.Errorf("flash: write 0x%06x..0x%06x: %w", a, b, err)
		}
		next := b
		for _, p := range batch {
			if p.st[len(p.st)-1]&1 != 0 {
				// Still busy: later pages of the batch may have been
				// ignored. Wait, then redo from the next page.
				if err := s.waitReady(ctx, fmt.Sprintf("write 0x%06x", p.addr)); err != nil {
					return err
				}
				next = p.addr + page - p.addr%page
				break
			}
		}
		if next > len(img) {
			next = len(img)
		}
		a = next
		progress("write", a, len(img))
	}
	return nil
}

// verify reads the flash back and compares it with img.
func (s spiFlash) verify(ctx context.Context, img []byte, progress Progress) error {
	if progress == nil {
		progress = func(string, int, int) {}
	}
	chunk := s.p.maxRead()
	for a := 0; a < len(img); a += chunk {
		n := chunk
		if a+n > len(img) {
			n = len(img) - a
		}
		got := make([]byte, n)
		if err := s.p.tx(ctx, addr24(0x03, a), got); err != nil {
			return fmt.Errorf("flash: verify 0x%06x: %w", a, err)
		}
		if err := s.p.flush(ctx); err != nil {
			return fmt.Errorf("flash: verify 0x%06x: %w", a, err)
		}
		if !bytes.Equal(got, img[a:a+n]) {
			ve := &VerifyError{Addr: -1}
			for i := range got {
				if got[i] != img[a+i] {
					if ve.Addr < 0 {
						ve.Addr, ve.Want, ve.Got = a+i, img[a+i], got[i]
					}
					ve.Count++
				}
			}
			return ve
		}
		progress("verify", a+n, len(img))
	}
	return nil
}
