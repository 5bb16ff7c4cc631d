package ftdi

import (
	"fmt"

	"github.com/lifkit/lifkit/hostdrv/usb"
)

// Chip describes one FTDI part.
type Chip struct {
	Name      string
	VID, PID  uint16
	Ports     int  // channels (interfaces).
	HighSpeed bool // H-series: 12 MHz baud reference, 60 MHz MPSSE base.
	MPSSE     bool // has the MPSSE engine.
	// TxBuffer is the chip-to-host FIFO size per channel: commands whose
	// replies exceed it stall the chip until the host reads (pyftdi).
	TxBuffer int
}

// Known chips.
var (
	FT2232H = Chip{Name: "FT2232H", VID: 0x0403, PID: 0x6010, Ports: 2, HighSpeed: true, MPSSE: true, TxBuffer: 4096}
	FT232H  = Chip{Name: "FT232H", VID: 0x0403, PID: 0x6014, Ports: 1, HighSpeed: true, MPSSE: true, TxBuffer: 1024}
	FT231X  = Chip{Name: "FT231X", VID: 0x0403, PID: 0x6015, Ports: 1, HighSpeed: false, MPSSE: false, TxBuffer: 512}
)

// Chips lists the known chips.
var Chips = []Chip{FT2232H, FT232H, FT231X}

// ChipFor returns the chip with the given USB ID.
func ChipFor(vid, pid uint16) (Chip, error) {
	for _, c := range Chips {
		if c.VID == vid && c.PID == pid {
			return c, nil
		}
	}
	return Chip{}, fmt.Errorf("ftdi: %04x:%04x is not a supported FTDI chip (FT2232H 0403:6010, FT232H 0403:6014, FT231X 0403:6015)", vid, pid)
}

// Endpoints returns the bulk IN and OUT addresses of channel n (0 = A).
func Endpoints(n int) (in, out uint8) {
	return uint8(0x81 + 2*n), uint8(0x02 + 2*n)
}

// Vendor requests (bRequest).
const (
	ReqReset               = 0x00
	ReqModemCtrl           = 0x01
	ReqSetFlowCtrl         = 0x02
	ReqSetBaudRate         = 0x03
	ReqSetData             = 0x04
	ReqPollModemStat       = 0x05
	ReqSetLatency          = 0x09
	ReqGetLatency          = 0x0A
	ReqSetBitMode          = 0x0B
	ReqReadPins            = 0x0C
	ReqTypeOut       uint8 = 0x40
	ReqTypeIn        uint8 = 0xC0
)

// RESET wValue.
const (
	ResetSIO = 0
	PurgeRX  = 1 // host-to-chip FIFO ("purge RX" in libftdi terms of the chip).
	PurgeTX  = 2 // chip-to-host FIFO.
)

// Bit modes for SET_BITMODE.
const (
	ModeReset   = 0x00
	ModeBitBang = 0x01
	ModeMPSSE   = 0x02
	ModeSyncBB  = 0x04
)

// Flow control types (wIndex high byte).
const (
	FlowNone    = 0x00
	FlowRTSCTS  = 0x01
	FlowDTRDSR  = 0x02
	FlowXONXOFF = 0x04
)

// BaudDivisor computes the SET_BAUDRATE wValue and the high byte of wIndex
// for a baud rate, and the rate actually obtained (libftdi, pyftdi):
// d8 = round(8*ref/baud); value = d8>>3 | frac[d8&7]<<14; value 1 becomes
// 0 and 0x4001 becomes 1; ref is 3 MHz on non-H chips and 12 MHz on H
// chips, which also set bit 17.
func BaudDivisor(baud int, highSpeed bool) (value uint16, indexHigh uint8, actual int, err error) {
	if baud <= 0 {
		return 0, 0, 0, fmt.Errorf("ftdi: baud rate %d: must be positive", baud)
	}
	ref := 3_000_000
	if highSpeed {
		ref = 12_000_000
	}
	if baud > ref {
		return 0, 0, 0, fmt.Errorf("ftdi: baud rate %d above the chip's maximum %d", baud, ref)
	}
	frac := [8]uint32{0, 3, 2, 4, 1, 5, 6, 7}
	d8 := (uint64(8*ref) + uint64(baud)/2) / uint64(baud)
	if d8 > 8*0x3FFF+7 {
		return 0, 0, 0, fmt.Errorf("ftdi: baud rate %d below the chip's minimum %d", baud, ref/0x3FFF+1)
	}
	enc := uint32(d8>>3) | frac[d8&7]<<14
	switch enc {
	case 1:
		enc = 0
	case 0x4001:
		enc = 1
	}
	if highSpeed {
		enc |= 0x20000
	}
	// The rate the chip produces from the encoded divisor.
	switch {
	case enc&0x1FFFF == 0:
		actual = ref
	case enc&0x1FFFF == 1:
		actual = ref * 2 / 3
	default:
		actual = int((uint64(8*ref) + d8/2) / d8)
	}
	return uint16(enc), uint8(enc >> 16), actual, nil
}

// StripStatus removes the two status bytes at the start of every packet of
// an IN transfer of n bytes with the given max packet size, appending the
// payload to dst. It returns dst and the modem/line status of the last
// packet.
func StripStatus(dst, transfer []byte, maxPacket int) ([]byte, [2]byte) {
	var st [2]byte
	for off := 0; off < len(transfer); off += maxPacket {
		end := off + maxPacket
		if end > len(transfer) {
			end = len(transfer)
		}
		pkt := transfer[off:end]
		if len(pkt) >= 2 {
			st = [2]byte{pkt[0], pkt[1]}
			dst = append(dst, pkt[2:]...)
		}
	}
	return dst, st
}

func maxPacketOf(d usb.DeviceDesc, ep uint8) int {
	if e, ok := d.Endpoint(ep); ok && e.MaxPacket > 0 {
		return e.MaxPacket
	}
	if d.Speed == usb.SpeedHigh {
		return 512
	}
	return 64
}
