package board

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed boards.yaml
var builtin []byte

// Board is one entry of the database.
type Board struct {
	Name          string   `yaml:"name" json:"name"`
	Description   string   `yaml:"description" json:"description"`
	Family        Family   `yaml:"family" json:"family"`
	Device        string   `yaml:"device" json:"device"`
	Package       string   `yaml:"package" json:"package"`
	IOStandard    string   `yaml:"io_standard,omitempty" json:"io_standard,omitempty"` // ECP5 IOBUF IO_TYPE
	Clock         Clock    `yaml:"clock" json:"clock"`
	UART          UART     `yaml:"uart" json:"uart"`
	LEDs          []string `yaml:"leds" json:"leds"`
	LEDsActiveLow bool     `yaml:"leds_active_low,omitempty" json:"leds_active_low,omitempty"`
	// LEDIOStandard is the LEDs' ECP5 IO_TYPE when their bank's voltage differs from the
	// board's IOStandard (ECP5-EVN: LVCMOS25); "" means IOStandard.
	LEDIOStandard string `yaml:"leds_io_standard,omitempty" json:"leds_io_standard,omitempty"`
	// Ties are outputs the generated top level drives to a constant level to keep a part of
	// the board out of the way (UPduino v3: the SPI flash's chip select high, because the
	// UART shares the flash's data pins).
	Ties    []Tie   `yaml:"ties,omitempty" json:"ties,omitempty"`
	Program Program `yaml:"program" json:"program"`
	USB     []USBID `yaml:"usb,omitempty" json:"usb,omitempty"`
	// PinSources (the YAML key is "source") says where the facts above were checked: one
	// Citation per published constraint file, schematic-derived pin list or vendor document,
	// each naming the facts it confirms. Every built-in board has at least one, and between
	// them they cover its clock, UART, LEDs and LED polarity (and its USB IDs when it lists
	// any); docs/boards.md tabulates them with each board's caveats. Optional in a user file.
	PinSources []Citation `yaml:"source,omitempty" json:"pin_sources,omitempty"`
	// Unverified names the facts (from Facts) that no cited file states, so that a guess is
	// visible as one; a fact cannot be both cited and unverified.
	Unverified []string `yaml:"unverified,omitempty" json:"unverified,omitempty"`
	Source     string   `yaml:"-" json:"source"` // "builtin" or the user file it came from
}

// Citation is one published file a board's facts were checked against.
type Citation struct {
	// Ref is the file: "github.com/OWNER/REPO/PATH" for a file in a public repository, or a URL.
	Ref string `yaml:"ref" json:"ref"`
	// Commit is the repository commit the file was read at (12 or more hex digits), when known.
	Commit string `yaml:"commit,omitempty" json:"commit,omitempty"`
	// Revision is the board revision the file says it describes ("" if it names none).
	Revision string `yaml:"revision,omitempty" json:"revision,omitempty"`
	// Facts are the fields this file confirms, from Facts (e.g. clock, uart, leds).
	Facts []string `yaml:"facts" json:"facts"`
}

// String renders the citation on one line, "REF@COMMIT (revision REV): FACT, FACT", for a
// listing such as a verbose `lifkit boards`.
func (c Citation) String() string {
	s := c.Ref
	if c.Commit != "" {
		s += "@" + c.Commit
	}
	if c.Revision != "" {
		s += " (revision " + c.Revision + ")"
	}
	return s + ": " + strings.Join(c.Facts, ", ")
}

// The facts a Citation can confirm.
const (
	FactDevice      = "device"       // FPGA part (family, size)
	FactPackage     = "package"      // FPGA package
	FactClock       = "clock"        // oscillator pin and frequency
	FactUART        = "uart"         // host link rx and tx pins, named from the FPGA's side
	FactLEDs        = "leds"         // LED pins
	FactLEDPolarity = "led_polarity" // leds_active_low
	FactUSB         = "usb"          // USB VID:PID
	FactProgram     = "program"      // how the board is programmed
)

// Facts lists the fact names a Citation may use.
var Facts = []string{FactDevice, FactPackage, FactClock, FactUART, FactLEDs, FactLEDPolarity, FactUSB, FactProgram}

// Cites reports whether some citation of the board confirms the fact.
func (b *Board) Cites(fact string) bool {
	for _, c := range b.PinSources {
		for _, f := range c.Facts {
			if f == fact {
				return true
			}
		}
	}
	return false
}

// Tie is one output pin held at a constant level.
type Tie struct {
	Name  string `yaml:"name" json:"name"` // what the pin is (flash_cs_n), for the generated comments
	Pin   string `yaml:"pin" json:"pin"`
	Level int    `yaml:"level" json:"level"` // 0 or 1
	Note  string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Clock is the board oscillator and how it reaches a PLL.
type Clock struct {
	Pin  string  `yaml:"pin" json:"pin"`
	MHz  float64 `yaml:"mhz" json:"mhz"`
	PLL  string  `yaml:"pll" json:"pll"` // iCE40: "pad" (SB_PLL40_PAD) or "core" (SB_PLL40_CORE); ECP5: "ehxplll"
	Note string  `yaml:"note,omitempty" json:"note,omitempty"`
}

// UART is the host link's pins, named from the FPGA's side.
type UART struct {
	RX   string `yaml:"rx" json:"rx"`
	TX   string `yaml:"tx" json:"tx"`
	Note string `yaml:"note,omitempty" json:"note,omitempty"`
}

// Program says how a bitstream reaches the board.
type Program struct {
	Tool string `yaml:"tool" json:"tool"`
	How  string `yaml:"how" json:"how"`
}

// USBID is one USB device on the board, as four hex digits each.
type USBID struct {
	VID  string `yaml:"vid" json:"vid"`
	PID  string `yaml:"pid" json:"pid"`
	Role string `yaml:"role" json:"role"`
}

// DeviceInfo returns the board's device. It cannot fail for a validated board.
func (b *Board) DeviceInfo() Device {
	d, _ := LookupDevice(b.Device)
	return d
}

// Database is a set of boards keyed by name.
type Database struct {
	boards map[string]*Board
}

// ErrUnknownBoard is wrapped by Lookup when no board has the name.
var ErrUnknownBoard = errors.New("unknown board")

// Builtin returns the embedded database.
func Builtin() *Database {
	db, err := parse(builtin, "builtin")
	if err != nil {
		panic("board: embedded boards.yaml is invalid: " + err.Error())
	}
	return db
}

// Load returns the embedded database extended by the user files (later files win). An empty
// path is skipped.
func Load(userFiles ...string) (*Database, error) {
	db := Builtin()
	for _, p := range userFiles {
		if p == "" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("board: read user board file: %w", err)
		}
		user, err := parse(data, p)
		if err != nil {
			return nil, err
		}
		for name, b := range user.boards {
			db.boards[name] = b
		}
	}
	return db, nil
}

func parse(data []byte, source string) (*Database, error) {
	var file struct {
		Boards []*Board `yaml:"boards"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&file); err != nil {
		return nil, fmt.Errorf("board: %s: %w (see bitstream/board/boards.yaml for the layout)", source, err)
	}
	db := &Database{boards: map[string]*Board{}}
	for i, b := range file.Boards {
		b.Source = source
		if err := b.Validate(); err != nil {
			return nil, fmt.Errorf("board: %s: boards[%d]: %w", source, i, err)
		}
		if _, dup := db.boards[b.Name]; dup {
			return nil, fmt.Errorf("board: %s: boards[%d]: name %q is used twice", source, i, b.Name)
		}
		db.boards[b.Name] = b
	}
	return db, nil
}

// Validate checks the invariants in the package comment.
func (b *Board) Validate() error {
	if b.Name == "" || b.Name != strings.ToLower(b.Name) || strings.ContainsAny(b.Name, " \t/") {
		return fmt.Errorf("name %q: want a non-empty lower-case name without spaces or slashes", b.Name)
	}
	d, ok := LookupDevice(b.Device)
	if !ok {
		names := make([]string, 0, len(devices))
		for n := range devices {
			names = append(names, n)
		}
		sort.Strings(names)
		return fmt.Errorf("%s: device %q is unknown; known devices: %s", b.Name, b.Device, strings.Join(names, ", "))
	}
	if d.Family != b.Family {
		return fmt.Errorf("%s: device %s is %s, but family says %q", b.Name, b.Device, d.Family, b.Family)
	}
	if b.Package == "" {
		return fmt.Errorf("%s: package is empty", b.Name)
	}
	if b.Clock.Pin == "" || !(b.Clock.MHz > 0 && b.Clock.MHz <= 400) {
		return fmt.Errorf("%s: clock needs a pin and a frequency in (0, 400] MHz, got pin %q, %g MHz", b.Name, b.Clock.Pin, b.Clock.MHz)
	}
	switch {
	case b.Family == ICE40 && (b.Clock.PLL == "pad" || b.Clock.PLL == "core"):
	case b.Family == ECP5 && b.Clock.PLL == "ehxplll":
	default:
		return fmt.Errorf("%s: clock.pll %q: want pad or core on iCE40, ehxplll on ECP5", b.Name, b.Clock.PLL)
	}
	if b.UART.RX == "" || b.UART.TX == "" {
		return fmt.Errorf("%s: uart needs rx and tx pins (the host link)", b.Name)
	}
	seen := map[string]string{}
	use := func(pin, what string) error {
		if pin == "" {
			return fmt.Errorf("%s: %s has an empty pin", b.Name, what)
		}
		if prev, ok := seen[pin]; ok {
			return fmt.Errorf("%s: pin %s is used by both %s and %s", b.Name, pin, prev, what)
		}
		seen[pin] = what
		return nil
	}
	if err := use(b.Clock.Pin, "clock"); err != nil {
		return err
	}
	if err := use(b.UART.RX, "uart.rx"); err != nil {
		return err
	}
	if err := use(b.UART.TX, "uart.tx"); err != nil {
		return err
	}
	for i, p := range b.LEDs {
		if err := use(p, fmt.Sprintf("leds[%d]", i)); err != nil {
			return err
		}
	}
	for i, t := range b.Ties {
		if t.Level != 0 && t.Level != 1 {
			return fmt.Errorf("%s: ties[%d] (%s): level must be 0 or 1, got %d", b.Name, i, t.Name, t.Level)
		}
		if !isIdent(t.Name) {
			return fmt.Errorf("%s: ties[%d]: name %q must be a Verilog identifier (letters, digits, _)", b.Name, i, t.Name)
		}
		if err := use(t.Pin, fmt.Sprintf("ties[%d]", i)); err != nil {
			return err
		}
	}
	for i, u := range b.USB {
		if !isHex4(u.VID) || !isHex4(u.PID) {
			return fmt.Errorf("%s: usb[%d]: vid and pid must be four hex digits, got %q:%q", b.Name, i, u.VID, u.PID)
		}
	}
	for i, c := range b.PinSources {
		if err := c.validate(); err != nil {
			return fmt.Errorf("%s: source[%d]: %w", b.Name, i, err)
		}
	}
	for _, f := range b.Unverified {
		if !knownFact(f) {
			return fmt.Errorf("%s: unverified: fact %q is unknown; known facts: %s", b.Name, f, strings.Join(Facts, ", "))
		}
		if b.Cites(f) {
			return fmt.Errorf("%s: fact %q is both cited in source and listed as unverified; drop one", b.Name, f)
		}
	}
	return nil
}

func knownFact(f string) bool {
	for _, k := range Facts {
		if f == k {
			return true
		}
	}
	return false
}

func (c Citation) validate() error {
	if strings.TrimSpace(c.Ref) == "" {
		return errors.New("ref is empty: name the file (github.com/OWNER/REPO/PATH or a URL)")
	}
	if c.Commit != "" && (len(c.Commit) < 7 || len(c.Commit) > 40 || strings.Trim(strings.ToLower(c.Commit), "0123456789abcdef") != "") {
		return fmt.Errorf("commit %q: want 7 to 40 hex digits", c.Commit)
	}
	if len(c.Facts) == 0 {
		return fmt.Errorf("facts is empty: say which of %s the file confirms", strings.Join(Facts, ", "))
	}
	for _, f := range c.Facts {
		if !knownFact(f) {
			return fmt.Errorf("fact %q is unknown; known facts: %s", f, strings.Join(Facts, ", "))
		}
	}
	return nil
}

func isIdent(s string) bool {
	if s == "" || (s[0] >= '0' && s[0] <= '9') {
		return false
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func isHex4(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", c) {
			return false
		}
	}
	return true
}

// Lookup returns the board with the name (case-insensitive); an unknown name gets an error
// listing the known boards.
func (db *Database) Lookup(name string) (*Board, error) {
	if b, ok := db.boards[strings.ToLower(name)]; ok {
		return b, nil
	}
	return nil, fmt.Errorf("board: %w %q; known boards: %s (lifkit boards lists them)", ErrUnknownBoard, name, strings.Join(db.Names(), ", "))
}

// Names returns the board names in sorted order.
func (db *Database) Names() []string {
	names := make([]string, 0, len(db.boards))
	for n := range db.boards {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// All returns the boards sorted by name.
func (db *Database) All() []*Board {
	out := make([]*Board, 0, len(db.boards))
	for _, n := range db.Names() {
		out = append(out, db.boards[n])
	}
	return out
}
