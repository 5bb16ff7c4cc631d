package flash_test

import (
	"math/rand"
	"testing"

	"github.com/lifkit/lifkit/hostdrv/flash"
	"github.com/lifkit/lifkit/hostdrv/usb/usbtest"
)

// image1MiB is a valid bitstream padded with seeded random bytes to 1 MiB.
func image1MiB(t testing.TB) []byte {
	img := append([]byte{}, bitstream(t)...)
	r := rand.New(rand.NewSource(1))
	for len(img) < 1<<20 {
		img = append(img, byte(r.Intn(256)))
	}
	return img
}

// BenchmarkFlash1MiB flashes and verifies 1 MiB into emulated boards and
// reports, per flashed MiB, the emulated time against the SPI-clock limit
// (every image bit clocked once to write and once to verify at 6 MHz),
// the USB transfers and the bytes on the bus.
func BenchmarkFlash1MiB(b *testing.B) {
	img := image1MiB(b)
	for _, tc := range []struct {
		name string
		rig  func() *usbtest.ICE40Rig
	}{{"FT2232H", usbtest.NewICEBreaker}, {"FT232H", usbtest.NewUPduino3}} {
		b.Run(tc.name, func(b *testing.B) {
			var clk usbtest.Clock
			for i := 0; i < b.N; i++ {
				rig := tc.rig()
				f, err := open(b, rig)
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Program(ctx(b), img, flash.Options{}); err != nil {
					b.Fatal(err)
				}
				clk = rig.FTDI.Clock
			}
			limit := 2 * 8 * float64(len(img)) / flash.DefaultFreq
			b.ReportMetric(clk.Now.Seconds(), "emul-s/MiB")
			b.ReportMetric(clk.Now.Seconds()/limit, "x-spi-limit")
			b.ReportMetric(float64(clk.OutTransfers+clk.InTransfers), "usb-transfers/MiB")
			b.ReportMetric(float64(clk.OutBytes+clk.InBytes), "usb-bytes/MiB")
			b.ReportMetric(float64(clk.Cycles)/(2*8*float64(len(img))), "spi-clocks/min")
		})
	}
}

// BenchmarkSRAM1MiB loads 1 MiB into the emulated FPGA's configuration
// SRAM: the limit is one SPI clock per image bit.
func BenchmarkSRAM1MiB(b *testing.B) {
	img := image1MiB(b)
	var clk usbtest.Clock
	for i := 0; i < b.N; i++ {
		rig := usbtest.NewICEBreaker()
		f, err := open(b, rig)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.LoadSRAM(ctx(b), img, flash.Options{}); err != nil {
			b.Fatal(err)
		}
		clk = rig.FTDI.Clock
	}
	limit := 8 * float64(len(img)) / flash.DefaultFreq
	b.ReportMetric(clk.Now.Seconds(), "emul-s/MiB")
	b.ReportMetric(clk.Now.Seconds()/limit, "x-spi-limit")
	b.ReportMetric(float64(clk.OutTransfers+clk.InTransfers), "usb-transfers/MiB")
	b.ReportMetric(float64(clk.OutBytes+clk.InBytes), "usb-bytes/MiB")
}

// TestFlashWithinSPILimit holds the performance target in the test suite:
// the emulated flash time stays within 1.2x of the 6 MHz SPI limit.
func TestFlashWithinSPILimit(t *testing.T) {
	img := image1MiB(t)[:256<<10]
	rig := usbtest.NewICEBreaker()
	f, err := open(t, rig)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Program(ctx(t), img, flash.Options{}); err != nil {
		t.Fatal(err)
	}
	limit := 2 * 8 * float64(len(img)) / flash.DefaultFreq
	if r := rig.FTDI.Clock.Now.Seconds() / limit; r > 1.2 {
		t.Errorf("flash took %.3fx the SPI limit (%v)", r, &rig.FTDI.Clock)
	}
}

// ecp5Image1MiB pads the ECP5 bitstream to 1 MiB with seeded random bytes
// placed before its closing ISC_PROGRAM_DONE, so the model still accepts it.
func ecp5Image1MiB(t testing.TB) []byte {
	bit := ecp5Bitstream(t)
	tail := bit[len(bit)-8:]
	img := append([]byte{}, bit[:len(bit)-8]...)
	r := rand.New(rand.NewSource(2))
	for len(img) < 1<<20-8 {
		img = append(img, byte(r.Intn(256)))
	}
	return append(img, tail...)
}

// BenchmarkECP5 reports emulated time per MiB against the JTAG-clock
// limit at 6 MHz (one TCK per bit for SRAM; write and verify for flash).
func BenchmarkECP5(b *testing.B) {
	img := ecp5Image1MiB(b)
	for _, tc := range []struct {
		name   string
		passes float64
		run    func(e *flash.ECP5) error
	}{
		{"EVN-SRAM", 1, func(e *flash.ECP5) error { return e.LoadSRAM(ctx(b), img, flash.Options{}) }},
		{"EVN-flash", 2, func(e *flash.ECP5) error { return e.ProgramFlash(ctx(b), img, flash.Options{}) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var clk usbtest.Clock
			for i := 0; i < b.N; i++ {
				rig := usbtest.NewECP5EVN(lfe5u25)
				if err := tc.run(openECP5(b, rig)); err != nil {
					b.Fatal(err)
				}
				clk = rig.FTDI.Clock
			}
			limit := tc.passes * 8 * float64(len(img)) / 6e6
			b.ReportMetric(clk.Now.Seconds(), "emul-s/MiB")
			b.ReportMetric(clk.Now.Seconds()/limit, "x-jtag-limit")
			b.ReportMetric(float64(clk.OutTransfers+clk.InTransfers), "usb-transfers/MiB")
			b.ReportMetric(float64(clk.OutBytes+clk.InBytes), "usb-bytes/MiB")
		})
	}
}

// BenchmarkULX3SSRAM reports the FT231X bit-bang SRAM load of the 25F
// bitstream (99 KB) in emulated seconds.
func BenchmarkULX3SSRAM(b *testing.B) {
	img := ecp5Bitstream(b)
	var clk usbtest.Clock
	for i := 0; i < b.N; i++ {
		rig := usbtest.NewULX3S(lfe5u25)
		if err := openULX3S(b, rig).LoadSRAM(ctx(b), img, flash.Options{}); err != nil {
			b.Fatal(err)
		}
		clk = rig.FTDI.Clock
	}
	b.ReportMetric(clk.Now.Seconds(), "emul-s")
	b.ReportMetric(float64(clk.OutTransfers+clk.InTransfers), "usb-transfers")
	b.ReportMetric(float64(clk.OutBytes+clk.InBytes), "usb-bytes")
}

// BenchmarkDFU1MiB reports the emulated OrangeCrab download of 1 MiB
// (model: 1 ms per full-speed control transfer, 1 us per byte, 5 ms
// bwPollTimeout per block).
func BenchmarkDFU1MiB(b *testing.B) {
	img := ecp5Image1MiB(b)
	var clk usbtest.Clock
	for i := 0; i < b.N; i++ {
		d := usbtest.NewOrangeCrab()
		f, err := openDFU(b, d)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Download(ctx(b), img, nil); err != nil {
			b.Fatal(err)
		}
		clk = d.Clock
	}
	b.ReportMetric(clk.Now.Seconds(), "emul-s/MiB")
}
