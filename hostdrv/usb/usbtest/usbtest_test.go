package usbtest

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb"
)

// spi runs one CS-framed transaction on the flash model.
func spi(f *SPIFlash, out ...byte) []byte {
	f.Select(true)
	in := make([]byte, len(out))
	for i, o := range out {
		for b := 7; b >= 0; b-- {
			if f.Clock(o>>b&1 == 1) {
				in[i] |= 1 << b
			}
		}
	}
	f.Select(false)
	return in
}

func TestSPIFlashModel(t *testing.T) {
	f := NewSPIFlash([3]byte{0xEF, 0x40, 0x16}, 1<<16)
	if id := spi(f, 0x9F, 0, 0, 0); !bytes.Equal(id[1:], []byte{0xEF, 0x40, 0x16}) {
		t.Fatalf("id % x", id)
	}
	// Program without WEL is ignored.
	spi(f, 0x02, 0, 0, 0, 0x00)
	if f.Mem[0] != 0xFF {
		t.Fatal("program without WEL took effect")
	}
	// WEL then program: WEL shows in status, is cleared, BUSY lasts BusyPolls reads.
	spi(f, 0x06)
	if st := spi(f, 0x05, 0); st[1] != 0x02 {
		t.Fatalf("status after WREN %02x", st[1])
	}
	spi(f, 0x02, 0, 0, 0xFE, 0x0F, 0xF1, 0x22) // wraps from 0xFE to 0x00 of the page.
	st := spi(f, 0x05, 0, 0, 0, 0)
	if !bytes.Equal(st[1:], []byte{1, 1, 1, 0}) {
		t.Fatalf("busy polls % x, want 01 01 01 00", st[1:])
	}
	if f.Mem[0xFE] != 0x0F || f.Mem[0xFF] != 0xF1 || f.Mem[0] != 0x22 || f.Mem[0x100] != 0xFF {
		t.Fatalf("page wrap: % x % x", f.Mem[0xFE:0x101], f.Mem[0:2])
	}
	// Program ANDs.
	spi(f, 0x06)
	spi(f, 0x02, 0, 0, 0xFE, 0xF0)
	spi(f, 0x05, 0, 0, 0, 0)
	if f.Mem[0xFE] != 0x00 {
		t.Fatalf("AND: %02x", f.Mem[0xFE])
	}
	// Read is continuous.
	if r := spi(f, 0x03, 0, 0, 0xFE, 0, 0, 0); !bytes.Equal(r[4:], []byte{0x00, 0xF1, 0xFF}) {
		t.Fatalf("read % x", r[4:])
	}
	// Erase 4 KiB sets 0xFF.
	spi(f, 0x06)
	spi(f, 0x20, 0, 0, 0x10)
	for spi(f, 0x05, 0)[1]&1 != 0 {
	}
	if f.Mem[0xFE] != 0xFF || f.Mem[0] != 0xFF {
		t.Fatal("erase did not set 0xFF")
	}
	// CS rising mid-byte discards the command.
	f.Select(true)
	for i := 0; i < 4; i++ {
		f.Clock(i%2 == 0)
	}
	f.Select(false)
	// Power-down: only 0xAB is obeyed; the ID reads 0xFF.
	spi(f, 0xB9)
	if id := spi(f, 0x9F, 0, 0, 0); !bytes.Equal(id[1:], []byte{0xFF, 0xFF, 0xFF}) {
		t.Fatalf("id in power-down % x", id)
	}
	spi(f, 0x06)
	if spi(f, 0x05, 0)[1] != 0xFF {
		t.Fatal("status answered in power-down")
	}
	spi(f, 0xAB)
	if st := spi(f, 0x05, 0); st[1] != 0 {
		t.Fatalf("WREN in power-down took effect: %02x", st[1])
	}
}

func openMPSSE(t *testing.T, chip ftdi.Chip) (*FTDI, usb.Device) {
	t.Helper()
	f := NewFTDI(chip, 4)
	bus := NewBus(f)
	devs, _ := bus.Devices()
	d, err := bus.Open(devs[0])
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := d.Claim(0); err != nil {
		t.Fatal(err)
	}
	if _, err := d.Control(ctx, 0x40, 0x0B, 0x02FF, 1, nil); err != nil {
		t.Fatal(err)
	}
	return f, d
}

func TestBadOpcodeEchoAndStatusPackets(t *testing.T) {
	f, d := openMPSSE(t, ftdi.FT2232H)
	ctx := context.Background()
	buf := make([]byte, 512)
	// Nothing to send: a status-only packet after the latency timer.
	n, err := d.ReadBulk(ctx, 0x81, buf)
	if err != nil || n != 2 || f.Clock.LatencyWaits != 1 {
		t.Fatalf("empty read: n=%d err=%v waits=%d", n, err, f.Clock.LatencyWaits)
	}
	// A bad opcode is echoed and parsing continues (0x81 after it answers).
	if _, err := d.WriteBulk(ctx, 0x02, []byte{0xAB, 0x81, 0x87}); err != nil {
		t.Fatal(err)
	}
	n, _ = d.ReadBulk(ctx, 0x81, buf)
	if n != 5 || buf[2] != 0xFA || buf[3] != 0xAB || f.Clock.LatencyWaits != 1 {
		t.Fatalf("echo: % x waits %d", buf[:n], f.Clock.LatencyWaits)
	}
	// A small read buffer overflows, as libusb reports.
	if _, err := d.ReadBulk(ctx, 0x81, make([]byte, 100)); err == nil {
		t.Fatal("short buffer accepted")
	}
	// Replies beyond the chip FIFO stall the chip: the write times out.
	big := []byte{0x20, 0xFF, 0x1F} // read 8 KiB
	if _, err := d.WriteBulk(ctx, 0x02, big); !errors.Is(err, usb.ErrTimeout) {
		t.Fatalf("FIFO overflow: %v", err)
	}
}

func TestPacketsCarryStatusAtEveryBoundary(t *testing.T) {
	f, d := openMPSSE(t, ftdi.FT2232H)
	ctx := context.Background()
	f.Receive(0, bytes.Repeat([]byte{0xAA}, 1200))
	buf := make([]byte, 4*512)
	n, err := d.ReadBulk(ctx, 0x81, buf)
	if err != nil {
		t.Fatal(err)
	}
	// 1200 bytes = 510 + 510 + 180: packets at 0, 512, 1024.
	if n != 1024+182 {
		t.Fatalf("n=%d", n)
	}
	for _, off := range []int{0, 512, 1024} {
		if buf[off] != 0x32 || buf[off+1] != 0x60 {
			t.Errorf("no status at %d: % x", off, buf[off:off+2])
		}
	}
}

func TestUnplugAndBusy(t *testing.T) {
	f, d := openMPSSE(t, ftdi.FT232H)
	f.Unplug()
	if _, err := d.WriteBulk(context.Background(), 0x02, []byte{0x87}); !errors.Is(err, usb.ErrUnplugged) {
		t.Fatalf("got %v", err)
	}
	if _, err := d.Control(context.Background(), 0x40, 0, 0, 1, nil); !errors.Is(err, usb.ErrUnplugged) {
		t.Fatalf("got %v", err)
	}
}
