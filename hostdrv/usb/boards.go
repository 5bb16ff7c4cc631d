package usb

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/lifkit/lifkit/bitstream/board"
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

// Board is one supported board as the USB layer sees it: derived from
// the board database (package bitstream/board) by fromDatabase, plus the
// few boards the database does not list yet (extraBoards).
type Board struct {
	Name     string
	FPGA     string // vendor part, e.g. "iCE40UP5K", "LFE5U-25F".
	VID, PID uint16
	Bridge   string // USB bridge chip or "native".
	Method   Method
	ProgIntf int // interface used to program, -1 if lifkit cannot.
	UARTIntf int // interface of the runtime UART, -1 if the kernel drives it (use --device).
}

// Supported lists the boards the USB layer knows.
var Supported = supported(board.Builtin())

// extraBoards are supported boards missing from the board database.
var extraBoards = []Board{
	{Name: "fomu", FPGA: "iCE40UP5K", VID: 0x1209, PID: 0x5bf0, Bridge: "native", Method: MethodDFU, ProgIntf: 0, UARTIntf: -1},
}

// supported maps every database board with a USB ID onto the USB layer's view.
func supported(db *board.Database) []Board {
	var out []Board
	for _, b := range db.All() {
		out = append(out, fromDatabase(b)...)
	}
	return append(out, extraBoards...)
}

// fromDatabase derives the programming method and interfaces from the
// board's programming tool and USB bridge (the facts' board table): the
// database says which tool a board uses, lifkit does that tool's job.
func fromDatabase(b *board.Board) []Board {
	var out []Board
	for _, u := range b.USB {
		vid, err1 := strconv.ParseUint(u.VID, 16, 16)
		pid, err2 := strconv.ParseUint(u.PID, 16, 16)
		if err1 != nil || err2 != nil {
			continue
		}
		ub := Board{Name: b.Name, FPGA: b.DeviceInfo().Part, VID: uint16(vid), PID: uint16(pid), ProgIntf: -1, UARTIntf: -1}
		id := fmt.Sprintf("%04x:%04x", vid, pid)
		ub.Bridge = map[string]string{"0403:6010": "FT2232H", "0403:6014": "FT232H", "0403:6015": "FT231X", "1d50:602b": "iCELink"}[id]
		if ub.Bridge == "" {
			ub.Bridge = "native"
		}
		switch tool := strings.ToLower(b.Program.Tool); {
		case tool == "iceprog":
			ub.Method, ub.ProgIntf, ub.UARTIntf = MethodICE40SPI, 0, 0
			if ub.Bridge == "FT2232H" {
				ub.UARTIntf = 1
			}
		case tool == "ecpprog":
			ub.Method, ub.ProgIntf, ub.UARTIntf = MethodECP5JTAG, 0, 1
		case ub.Bridge == "FT231X":
			ub.Method, ub.ProgIntf = MethodECP5Bang, 0
		case tool == "dfu-util":
			ub.Method, ub.ProgIntf = MethodDFU, 0
		case tool == "icesprog":
			ub.Method = MethodICELink
		default:
			continue
		}
		out = append(out, ub)
	}
	return out
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
