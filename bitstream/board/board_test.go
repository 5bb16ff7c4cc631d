package board

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestBuiltinHasIssueBoards(t *testing.T) {
	db := Builtin()
	want := map[string]string{
		"icebreaker": "up5k", "upduino3": "up5k", "icesugar": "up5k", "ice40-hx8k": "hx8k",
		"ulx3s-12f": "12k", "ulx3s-25f": "25k", "ulx3s-45f": "45k", "ulx3s-85f": "85k",
		"orangecrab-25f": "25k", "orangecrab-85f": "85k", "ecp5-evn": "um5g-85k", "colorlight-i5": "25k",
	}
	for name, dev := range want {
		b, err := db.Lookup(name)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", name, err)
		}
		if b.Device != dev {
			t.Errorf("%s: device %s, want %s", name, b.Device, dev)
		}
		if b.Source != "builtin" {
			t.Errorf("%s: source %q", name, b.Source)
		}
	}
	if got := len(db.Names()); got != len(want) {
		t.Errorf("builtin has %d boards, want %d: %v", got, len(want), db.Names())
	}
	// Merge keys copy the base entry: the ULX3S variants share pins.
	a, _ := db.Lookup("ulx3s-25f")
	if a.Clock.Pin != "G2" || a.UART.TX != "L4" || a.Family != ECP5 {
		t.Errorf("ulx3s-25f did not inherit the ULX3S pins: %+v", a)
	}
}

func TestLookupUnknownListsBoards(t *testing.T) {
	_, err := Builtin().Lookup("nosuchboard")
	if !errors.Is(err, ErrUnknownBoard) || !strings.Contains(err.Error(), "icebreaker") {
		t.Fatalf("err = %v", err)
	}
}

func TestUserFile(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"adds", `boards:
  - {name: myboard, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, leds: ["4"], program: {tool: iceprog}}
`, ""},
		{"overrides", `boards:
  - {name: icebreaker, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: pad}, uart: {rx: "2", tx: "3"}, program: {tool: iceprog}}
`, ""},
		{"unknown device", `boards:
  - {name: x, family: ice40, device: lp384, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}}
`, `device "lp384" is unknown`},
		{"family mismatch", `boards:
  - {name: x, family: ecp5, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: ehxplll}, uart: {rx: "2", tx: "3"}}
`, "family says"},
		{"pin twice", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "35", tx: "3"}}
`, "pin 35 is used by both clock and uart.rx"},
		{"typo field", `boards:
  - {name: x, famly: ice40}
`, "field famly not found"},
		{"no uart", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}}
`, "uart needs rx and tx"},
		{"bad pll", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: ehxplll}, uart: {rx: "2", tx: "3"}}
`, "clock.pll"},
		{"with sources", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, source: [{ref: github.com/me/board/pins.pcf, commit: 0123456789ab, revision: v1, facts: [clock, uart]}], unverified: [leds]}
`, ""},
		{"source without ref", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, source: [{facts: [clock]}]}
`, "source[0]: ref is empty"},
		{"source without facts", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, source: [{ref: my.pcf}]}
`, "facts is empty"},
		{"unknown fact", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, source: [{ref: my.pcf, facts: [pins]}]}
`, `fact "pins" is unknown`},
		{"bad commit", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, source: [{ref: my.pcf, commit: main, facts: [uart]}]}
`, `commit "main"`},
		{"cited and unverified", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, source: [{ref: my.pcf, facts: [uart]}], unverified: [uart]}
`, "both cited"},
		{"unknown unverified fact", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, unverified: [colour]}
`, `unverified: fact "colour" is unknown`},
		{"tie", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, ties: [{name: flash_cs_n, pin: "16", level: 1}]}
`, ""},
		{"tie on a used pin", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, ties: [{name: cs, pin: "3", level: 1}]}
`, "pin 3 is used by both uart.tx and ties[0]"},
		{"tie level", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, ties: [{name: cs, pin: "16", level: 2}]}
`, "level must be 0 or 1"},
		{"tie name", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, ties: [{name: "cs-n", pin: "16", level: 1}]}
`, "must be a Verilog identifier"},
		{"bad usb", `boards:
  - {name: x, family: ice40, device: up5k, package: sg48, clock: {pin: "35", mhz: 12, pll: core}, uart: {rx: "2", tx: "3"}, usb: [{vid: "403", pid: "6010"}]}
`, "four hex digits"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "boards.yaml")
			if err := os.WriteFile(p, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := Load(p)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range db.All() {
				if b.Source == p {
					if b.UART.RX != "2" {
						t.Errorf("user board %s not taken from the file", b.Name)
					}
					return
				}
			}
			t.Fatal("no board came from the user file")
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	if _, err := Load(filepath.Join(t.TempDir(), "none.yaml")); err == nil || !strings.HasPrefix(err.Error(), "board: ") {
		t.Fatalf("err = %v", err)
	}
}

// verified is one board's facts as its published constraint files state them. The values are
// typed from the files named in each row's comment (the same files boards.yaml cites under
// source:), not copied from boards.yaml, so an edit of boards.yaml that breaks a pin fails here.
type verified struct {
	name      string
	device    string // nextpnr device name of the part the source names
	pkg       string
	clockPin  string
	clockMHz  float64
	rx, tx    string   // FPGA side: rx is the FPGA's input, driven by the USB bridge's TXD
	leds      []string // in boards.yaml's order
	activeLow bool
	usb       []string // "vvvv:pppp"
}

var verifiedBoards = []verified{
	// icebreaker-fpga/icebreaker-verilog-examples icebreaker.pcf: CLK 35 ("12 MHz clock"), RX 6,
	// TX 9, LEDR_N 11, LEDG_N 37 (_N: active low); icebreaker-fpga/icebreaker README.md:
	// iCE40UP5K SG48, FT2232H BDATA[0] "Tx on FTDI / Rx on FPGA", main LEDs "active low";
	// icestorm iceprog/mpsse.c opens 0403:6010.
	{"icebreaker", "up5k", "sg48", "35", 12, "6", "9", []string{"11", "37"}, true, []string{"0403:6010"}},
	// tinyvision-ai-inc/UPduino-v3.0 RTL/common/upduino.pdc: serial_rxd 15 ("FPGA receive from
	// USB"), serial_txd 14, led_red 41, led_green 39, led_blue 40 ("negative logic"), 12 MHz to
	// gpio_20 via R16 (OSC); RTL/blink_led/Makefile: --up5k --package sg48, iceprog -d
	// i:0x0403:0x6014.
	{"upduino3", "up5k", "sg48", "20", 12, "15", "14", []string{"41", "39", "40"}, true, []string{"0403:6014"}},
	// wuxx/icesugar src/common/io.pcf (iCE40UP5K-QFN48): clk 35, RX 4, TX 6, LED_R 40, LED_B 39,
	// LED_G 41; litex-boards muselab_icesugar.py: clk12, "RGB led, active-low";
	// tools/src/60-icesugar.rules: ICELINK 1d50:602b.
	{"icesugar", "up5k", "sg48", "35", 12, "4", "6", []string{"40", "39", "41"}, true, []string{"1d50:602b"}},
	// YosysHQ/icestorm examples/hx8kboard/hx8kboard.pcf: clk J3, LED0..LED7 B5 B4 A2 A1 C5 C4 B3 C3;
	// YosysHQ/picorv32 picosoc/hx8kdemo.pcf: ser_rx B10, ser_tx B12; picosoc/Makefile: icetime -d
	// hx8k -c 12; whitequark's iCE40HX8K-B-EVM gist: -P ct256, clk_12mhz J3. LED polarity is not
	// stated by any of them (boards.yaml lists it as unverified); the database says active high.
	{"ice40-hx8k", "hx8k", "ct256", "J3", 12, "B10", "B12", []string{"B5", "B4", "A2", "A1", "C5", "C4", "B3", "C3"}, false, []string{"0403:6010"}},
	// emard/ulx3s doc/constraints/ulx3s_v20.lpf (v2.x.x, v3.0.x) and prototype/ulx3s_v316.lpf:
	// clk_25mhz G2, ftdi_txd M1 ("FPGA receives from ftdi"), ftdi_rxd L4 ("FPGA transmits to
	// ftdi"), led[0..7] B2 C2 C1 D2 D1 E2 E1 H3; litex-boards radiona_ulx3s.py: user_led (active
	// high), LFE5U-{12,25,45,85}F-6BG381C; prjtrellis misc/openocd/ulx3s.cfg: ft232r 0403:6015.
	{"ulx3s-12f", "12k", "CABGA381", "G2", 25, "M1", "L4", []string{"B2", "C2", "C1", "D2", "D1", "E2", "E1", "H3"}, false, []string{"0403:6015"}},
	{"ulx3s-25f", "25k", "CABGA381", "G2", 25, "M1", "L4", []string{"B2", "C2", "C1", "D2", "D1", "E2", "E1", "H3"}, false, []string{"0403:6015"}},
	{"ulx3s-45f", "45k", "CABGA381", "G2", 25, "M1", "L4", []string{"B2", "C2", "C1", "D2", "D1", "E2", "E1", "H3"}, false, []string{"0403:6015"}},
	{"ulx3s-85f", "85k", "CABGA381", "G2", 25, "M1", "L4", []string{"B2", "C2", "C1", "D2", "D1", "E2", "E1", "H3"}, false, []string{"0403:6015"}},
	// orangecrab-fpga/orangecrab-examples verilog/orangecrab_r0.2.1.pcf: clk48 A9 48 MHz,
	// rgb_led0_r K4, _g M3, _b J3, gpio_0 N17, gpio_1 M18; litex-boards gsd_orangecrab.py r0.2:
	// feather serial rx GPIO:0, tx GPIO:1, LFE5U-{25,85}F-8MG285C, DFU 1209:5af0;
	// verilog/blink/blink.v drives LED3 = 1 to keep blue off (active low).
	{"orangecrab-25f", "25k", "CSFBGA285", "A9", 48, "N17", "M18", []string{"K4", "M3", "J3"}, true, []string{"1209:5af0"}},
	{"orangecrab-85f", "85k", "CSFBGA285", "A9", 48, "N17", "M18", []string{"K4", "M3", "J3"}, true, []string{"1209:5af0"}},
	// YosysHQ/prjtrellis examples/soc_ecp5_evn/ecp5evn.lpf: clkin A10, uart_rx P2, uart_tx P3,
	// led[7..0] A13 A12 B19 A18 B18 C17 A17 B17; top.v: led = ~int_led (active low);
	// litex-boards ecp5_evn.py: clk12 A10, LFE5UM5G-85F-8BG381; misc/openocd/ecp5-evn.cfg:
	// 0403:6010.
	{"ecp5-evn", "um5g-85k", "CABGA381", "A10", 12, "P2", "P3", []string{"A13", "A12", "B19", "A18", "B18", "C17", "A17", "B17"}, true, []string{"0403:6010"}},
	// wuxx/Colorlight-FPGA-Projects README.md (i5 v7.0): LFE5U-25F-6BG381C, 25 MHz on P3, LED U16;
	// litex-boards colorlight_i5.py (7.0): serial rx H18, tx J17, user_led_n U16. No USB ID is
	// listed: the DAPLink's ID is not in a cited file.
	{"colorlight-i5", "25k", "CABGA381", "P3", 25, "H18", "J17", []string{"U16"}, true, nil},
}

func TestVerifiedFacts(t *testing.T) {
	db := Builtin()
	rows := map[string]bool{}
	for _, v := range verifiedBoards {
		rows[v.name] = true
		t.Run(v.name, func(t *testing.T) {
			b, err := db.Lookup(v.name)
			if err != nil {
				t.Fatal(err)
			}
			check := func(what string, got, want any) {
				t.Helper()
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("%s = %v, the cited source says %v", what, got, want)
				}
			}
			check("device", b.Device, v.device)
			check("package", b.Package, v.pkg)
			check("clock.pin", b.Clock.Pin, v.clockPin)
			check("clock.mhz", b.Clock.MHz, v.clockMHz)
			check("uart.rx", b.UART.RX, v.rx)
			check("uart.tx", b.UART.TX, v.tx)
			check("leds", b.LEDs, v.leds)
			check("leds_active_low", b.LEDsActiveLow, v.activeLow)
			var ids []string
			for _, u := range b.USB {
				ids = append(ids, strings.ToLower(u.VID+":"+u.PID))
			}
			check("usb", ids, v.usb)
		})
	}
	for _, name := range db.Names() {
		if !rows[name] {
			t.Errorf("board %s has no row in verifiedBoards: add one typed from its published constraint file", name)
		}
	}
}

// TestEveryBoardCitesItsFacts: every built-in board names the files its device, package,
// clock, UART, LEDs, LED polarity and (when it lists any) USB IDs were checked against, or
// says openly that no file states the fact.
func TestEveryBoardCitesItsFacts(t *testing.T) {
	for _, b := range Builtin().All() {
		if len(b.PinSources) == 0 {
			t.Errorf("%s: no source: cite the published constraint file its pins come from", b.Name)
			continue
		}
		need := []string{FactDevice, FactPackage, FactClock, FactUART, FactLEDs, FactLEDPolarity}
		if len(b.USB) > 0 {
			need = append(need, FactUSB)
		}
		for _, f := range need {
			if !b.Cites(f) && !slices.Contains(b.Unverified, f) {
				t.Errorf("%s: no source confirms %s and it is not listed as unverified", b.Name, f)
			}
		}
		for _, c := range b.PinSources {
			if !strings.HasPrefix(c.Ref, "github.com/") && !strings.HasPrefix(c.Ref, "https://") {
				t.Errorf("%s: source %q: want github.com/OWNER/REPO/PATH or an https URL", b.Name, c.Ref)
			}
		}
	}
	// Merge keys copy the sources too.
	a, _ := Builtin().Lookup("ulx3s-12f")
	if len(a.PinSources) == 0 || a.PinSources[0].Ref != "github.com/emard/ulx3s/doc/constraints/ulx3s_v20.lpf" {
		t.Errorf("ulx3s-12f did not inherit the ULX3S sources: %+v", a.PinSources)
	}
}

func TestCitationString(t *testing.T) {
	tests := []struct {
		c    Citation
		want string
	}{
		{Citation{Ref: "github.com/a/b/p.pcf", Facts: []string{FactUART}}, "github.com/a/b/p.pcf: uart"},
		{Citation{Ref: "github.com/a/b/p.pcf", Commit: "0123456789ab", Revision: "v2", Facts: []string{FactClock, FactLEDs}},
			"github.com/a/b/p.pcf@0123456789ab (revision v2): clock, leds"},
	}
	for _, tc := range tests {
		if got := tc.c.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}
