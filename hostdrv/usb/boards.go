package usb

import (
	"fmt"
	"sort"
	"strings"
)

// Method is how a board's FPGA is programmed.
type Method string

// Programming methods.
const (
	MethodICE40SPI Method = "ice40-mpsse-spi"   // FTDI MPSSE to the SPI flash and iCE40 SRAM.
	MethodECP5JTAG Method = "ecp5-mpsse-jtag"   // FTDI MPSSE JTAG.
	MethodECP5Bang Method = "ecp5-bitbang-jtag" // FT231X bit-bang JTAG.
	MethodDFU      Method = "dfu"               // USB DFU 1.1 bootloader.
	MethodICELink  Method = "icelink"           // iCESugar's iCELink (drag and drop).
)

// Board is one supported board as the USB layer sees it. This is a small
// internal table until the board database in package bitstream lands; the
// USB IDs and interfaces come from docs/boards.md and the usb facts.
type Board struct {
	Name      string
	FPGA      string
	VID, PID  uint16
	Bridge    string // USB bridge chip.
	Method    Method
	ProgIntf  int // interface used to program.
	UARTIntf  int // interface of the runtime UART, -1 if the kernel drives it.
	FlashSize int // bytes of configuration flash, 0 if unknown.
}

// Supported lists the boards the USB layer knows.
var Supported = []Board{
	{Name: "icebreaker", FPGA: "iCE40UP5K-SG48", VID: 0x0403, PID: 0x6010, Bridge: "FT2232H", Method: MethodICE40SPI, ProgIntf: 0, UARTIntf: 1, FlashSize: 16 << 20},
	{Name: "ice40-hx8k-breakout", FPGA: "iCE40HX8K-CT256", VID: 0x0403, PID: 0x6010, Bridge: "FT2232H", Method: MethodICE40SPI, ProgIntf: 0, UARTIntf: 1, FlashSize: 4 << 20},
	{Name: "upduino-v3", FPGA: "iCE40UP5K-SG48", VID: 0x0403, PID: 0x6014, Bridge: "FT232H", Method: MethodICE40SPI, ProgIntf: 0, UARTIntf: 0, FlashSize: 4 << 20},
	{Name: "icesugar", FPGA: "iCE40UP5K-SG48", VID: 0x1d50, PID: 0x602b, Bridge: "iCELink", Method: MethodICELink, ProgIntf: -1, UARTIntf: -1, FlashSize: 8 << 20},
	{Name: "ulx3s", FPGA: "LFE5U-(12..85)F", VID: 0x0403, PID: 0x6015, Bridge: "FT231X", Method: MethodECP5Bang, ProgIntf: 0, UARTIntf: 0},
	{Name: "ecp5-evn", FPGA: "LFE5UM5G-85F", VID: 0x0403, PID: 0x6010, Bridge: "FT2232H", Method: MethodECP5JTAG, ProgIntf: 0, UARTIntf: 1},
	{Name: "orangecrab", FPGA: "LFE5U-25F/85F", VID: 0x1209, PID: 0x5af0, Bridge: "native", Method: MethodDFU, ProgIntf: 0, UARTIntf: -1, FlashSize: 16 << 20},
	{Name: "fomu", FPGA: "iCE40UP5K-UWG30", VID: 0x1209, PID: 0x5bf0, Bridge: "native", Method: MethodDFU, ProgIntf: 0, UARTIntf: -1, FlashSize: 2 << 20},
}

// BoardByName returns the board with the given name.
func BoardByName(name string) (Board, error) {
	for _, b := range Supported {
		if strings.EqualFold(b.Name, name) {
			return b, nil
		}
	}
	names := make([]string, len(Supported))
	for i, b := range Supported {
		names[i] = b.Name
	}
	return Board{}, fmt.Errorf("usb: unknown board %q; known boards: %s", name, strings.Join(names, ", "))
}

// BoardsFor returns the boards that use the given USB ID (several boards
// share the generic FT2232H ID; the caller tells them apart with --board).
func BoardsFor(vid, pid uint16) []Board {
	var out []Board
	for _, b := range Supported {
		if b.VID == vid && b.PID == pid {
			out = append(out, b)
		}
	}
	return out
}

// SupportedIDs returns the distinct "vvvv:pppp" IDs of supported boards, sorted.
func SupportedIDs() []string {
	seen := map[string]bool{}
	var ids []string
	for _, b := range Supported {
		id := fmt.Sprintf("%04x:%04x", b.VID, b.PID)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

// UdevRule returns the udev rule line granting the logged-in user and the
// plugdev group access to a device with this ID.
func UdevRule(vid, pid uint16) string {
	return fmt.Sprintf(`SUBSYSTEM=="usb", ATTRS{idVendor}=="%04x", ATTRS{idProduct}=="%04x", MODE="0660", GROUP="plugdev", TAG+="uaccess"`, vid, pid)
}

// UdevRules returns a complete rules file for every supported board.
func UdevRules() string {
	var b strings.Builder
	b.WriteString("# lifkit: USB access to supported FPGA boards.\n")
	b.WriteString("# Install: lifkit udev-rules | sudo tee /etc/udev/rules.d/70-lifkit.rules\n")
	b.WriteString("#          sudo udevadm control --reload && sudo udevadm trigger\n")
	for _, id := range SupportedIDs() {
		var vid, pid uint16
		fmt.Sscanf(id, "%04x:%04x", &vid, &pid)
		var names []string
		for _, bd := range BoardsFor(vid, pid) {
			names = append(names, bd.Name)
		}
		fmt.Fprintf(&b, "# %s: %s\n%s\n", id, strings.Join(names, ", "), UdevRule(vid, pid))
	}
	return b.String()
}

// Found is an attached device matched to the boards that use its ID.
type Found struct {
	Desc   DeviceDesc
	Boards []Board
}

// FindSupported lists attached devices whose ID belongs to a supported
// board. If board is not "", only that board's ID is matched. With nothing
// matching it returns a *NoBoardError (errors.Is ErrNoBoard).
func FindSupported(bus Bus, board string) ([]Found, error) {
	var want *Board
	if board != "" {
		b, err := BoardByName(board)
		if err != nil {
			return nil, err
		}
		want = &b
	}
	devs, err := bus.Devices()
	if err != nil {
		return nil, fmt.Errorf("usb: listing devices: %w", err)
	}
	var out []Found
	for _, d := range devs {
		bs := BoardsFor(d.VID, d.PID)
		if want != nil {
			if d.VID != want.VID || d.PID != want.PID {
				continue
			}
			bs = []Board{*want}
		}
		if len(bs) > 0 {
			out = append(out, Found{Desc: d, Boards: bs})
		}
	}
	if len(out) == 0 {
		return nil, &NoBoardError{Wanted: board, Seen: devs}
	}
	return out, nil
}
