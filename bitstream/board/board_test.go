package board

import (
	"errors"
	"os"
	"path/filepath"
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
