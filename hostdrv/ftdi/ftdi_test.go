package ftdi_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

// TestBaudDivisorExamples checks the FT2232H port B examples of the facts.
func TestBaudDivisorExamples(t *testing.T) {
	tests := []struct {
		baud   int
		high   bool
		value  uint16
		index  uint16 // with port B (2) in the low byte.
		actual int
	}{
		{115200, true, 0xC068, 0x0202, 115246},
		{1_000_000, true, 0x000C, 0x0202, 1_000_000},
		{3_000_000, true, 0x0004, 0x0202, 3_000_000},
		{12_000_000, true, 0x0000, 0x0202, 12_000_000},
		{8_000_000, true, 0x0001, 0x0202, 8_000_000},
		{3_000_000, false, 0x0000, 0x0002, 3_000_000},
		{2_000_000, false, 0x0001, 0x0002, 2_000_000},
		{115200, false, 0x001A, 0x0002, 115385},
	}
	for _, tc := range tests {
		v, hi, actual, err := ftdi.BaudDivisor(tc.baud, tc.high)
		if err != nil {
			t.Fatalf("%d: %v", tc.baud, err)
		}
		if idx := uint16(hi)<<8 | 2; v != tc.value || idx != tc.index || actual != tc.actual {
			t.Errorf("BaudDivisor(%d, H=%v) = %#04x/%#04x (%d baud), want %#04x/%#04x (%d)", tc.baud, tc.high, v, idx, actual, tc.value, tc.index, tc.actual)
		}
	}
	for _, bad := range []int{0, -5, 13_000_000, 100} {
		if _, _, _, err := ftdi.BaudDivisor(bad, true); err == nil {
			t.Errorf("BaudDivisor(%d) accepted", bad)
		}
	}
}

// TestSetBaudOnEmulatedPortB sends the request through the port and reads
// what the emulated chip received.
func TestSetBaudOnEmulatedPortB(t *testing.T) {
	chip := usbtest.NewFTDI(ftdi.FT2232H, 3)
	p, err := ftdi.Open(context.Background(), chip, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.SetBaudRate(context.Background(), 115200); err != nil {
		t.Fatal(err)
	}
	if v, i := chip.Baud(1); v != 0xC068 || i != 0x0202 {
		t.Errorf("chip got %#04x/%#04x, want 0xc068/0x0202", v, i)
	}
}

func TestStripStatus(t *testing.T) {
	for _, mp := range []int{64, 512} {
		var transfer, want []byte
		for pkt := 0; pkt < 5; pkt++ {
			transfer = append(transfer, 0x31, 0x60)
			n := mp - 2
			if pkt == 4 {
				n = 7
			}
			for i := 0; i < n; i++ {
				b := byte(pkt*31 + i)
				transfer = append(transfer, b)
				want = append(want, b)
			}
		}
		got, st := ftdi.StripStatus(nil, transfer, mp)
		if !bytes.Equal(got, want) || st != [2]byte{0x31, 0x60} {
			t.Errorf("mp %d: payload differs (%d vs %d bytes)", mp, len(got), len(want))
		}
	}
}

// TestUARTReadStripsEveryPacket pushes more than several packets of UART
// data through each emulated chip (512- and 64-byte packets) and reads it
// back: any status pair left in the stream would corrupt the data.
func TestUARTReadStripsEveryPacket(t *testing.T) {
	for _, chip := range []ftdi.Chip{ftdi.FT2232H, ftdi.FT232H, ftdi.FT231X} {
		t.Run(chip.Name, func(t *testing.T) {
			dev := usbtest.NewFTDI(chip, 2)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			p, err := ftdi.Open(ctx, dev, 0)
			if err != nil {
				t.Fatal(err)
			}
			if p.MaxPacket() != map[bool]int{true: 512, false: 64}[chip.HighSpeed] {
				t.Errorf("max packet %d", p.MaxPacket())
			}
			data := make([]byte, 5000)
			for i := range data {
				data[i] = byte(i*13 + 1)
			}
			dev.Receive(0, data)
			got := make([]byte, len(data))
			if err := p.ReadFull(ctx, got); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, data) {
				t.Fatal("payload corrupted: status bytes not stripped at every packet")
			}
			if p.Status() != [2]byte{0x32, 0x60} && p.Status() != [2]byte{0x31, 0x60} {
				t.Errorf("status %x", p.Status())
			}
		})
	}
}

func TestMPSSEOnFT231XRefused(t *testing.T) {
	dev := usbtest.NewFTDI(ftdi.FT231X, 2)
	p, err := ftdi.Open(context.Background(), dev, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ftdi.NewMPSSE(context.Background(), p, 6_000_000); err == nil {
		t.Fatal("MPSSE on FT231X accepted")
	}
}

func TestOpenBadChannel(t *testing.T) {
	dev := usbtest.NewFTDI(ftdi.FT232H, 2)
	if _, err := ftdi.Open(context.Background(), dev, 1); err == nil {
		t.Fatal("channel B of FT232H accepted")
	}
}

// TestMPSSELoopback shifts data through the emulated engine in loopback
// (TDI to TDO), in byte and bit mode, MSB and LSB first, across the
// automatic batch splits.
func TestMPSSELoopback(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	dev := usbtest.NewFTDI(ftdi.FT232H, 2)
	p, err := ftdi.Open(ctx, dev, 0)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ftdi.NewMPSSE(ctx, p, 6_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if m.Freq() != 6_000_000 || dev.Latency(0) != 1 || dev.Mode(0) != ftdi.ModeMPSSE {
		t.Fatalf("freq %d latency %d mode %d", m.Freq(), dev.Latency(0), dev.Mode(0))
	}
	if err := p.Write(ctx, []byte{ftdi.OpLoopbackOn}); err != nil {
		t.Fatal(err)
	}
	out := make([]byte, 3000) // larger than the FT232H's 1 KiB FIFO.
	for i := range out {
		out[i] = byte(i * 37)
	}
	in := make([]byte, len(out))
	if err := m.Shift(ctx, 0x31, out, in); err != nil {
		t.Fatal(err)
	}
	var bits [1]byte
	if err := m.ShiftBits(ctx, 0x3B, 3, 0x05, bits[:]); err != nil { // LSB first, 3 bits 1,0,1.
		t.Fatal(err)
	}
	if err := m.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(in, out) {
		t.Fatal("loopback data differs")
	}
	// LSB first: new bits enter at bit 7, so 1,0,1 leaves 101xxxxx.
	if bits[0]>>5 != 0x5 {
		t.Errorf("bit-mode register %08b, want 101xxxxx", bits[0])
	}
}
