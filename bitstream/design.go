package bitstream

import (
	"fmt"

	"github.com/lifkit/lifkit/bitstream/board"
	"os"
	"path/filepath"
)

// PlaceholderDesign is the stand-in top level in bitstream/testdata/placeholder (a UART echo
// and an LED counter) that exercises the flow until rtl/top lands. root is the repository
// root.
func PlaceholderDesign(root string) (Design, error) {
	dir := filepath.Join(root, "bitstream", "testdata", "placeholder")
	files, err := filepath.Glob(filepath.Join(dir, "*.v"))
	if err != nil || len(files) == 0 {
		return Design{}, fmt.Errorf("bitstream: no placeholder sources in %s: run lifkit from the lifkit repository", dir)
	}
	return Design{
		Name:        "placeholder (UART echo + LED counter)",
		Files:       files,
		Top:         "lifkit_placeholder_top",
		Params:      map[string]string{"BAUD": "115200"},
		ClockParam:  "CLK_HZ",
		LEDsParam:   "LEDS",
		LEDPort:     "led_o",
		Placeholder: true,
	}, nil
}

// BringupDesign is rtl/core's lif_core behind the bring-up UART bridge of
// bitstream/hdl/lifkit_bringup_top.v: the real core, sized by the build's Shape, with every
// output kept in the netlist. It stands in for rtl/top until the framed host link lands.
func BringupDesign(root string) (Design, error) {
	core, err := filepath.Glob(filepath.Join(root, "rtl", "core", "*.v"))
	if err != nil || len(core) == 0 {
		return Design{}, fmt.Errorf("bitstream: no rtl/core sources under %s: run lifkit from the lifkit repository", root)
	}
	files := append(core,
		filepath.Join(root, "bitstream", "hdl", "lifkit_bringup_top.v"),
		filepath.Join(root, "bitstream", "testdata", "placeholder", "lifkit_placeholder_uart_rx.v"),
		filepath.Join(root, "bitstream", "testdata", "placeholder", "lifkit_placeholder_uart_tx.v"))
	for _, f := range files {
		if !exists(f) {
			return Design{}, fmt.Errorf("bitstream: bring-up source %s is missing", f)
		}
	}
	return Design{
		Name:       "lif_core + bring-up UART bridge (bitstream/hdl)",
		Files:      files,
		Top:        "lifkit_bringup_top",
		Params:     map[string]string{"BAUD": "115200"},
		ClockParam: "CLK_HZ",
		LEDsParam:  "LEDS",
		LEDPort:    "led_o",
		CoreParams: true,
		Bakeable:   true,
	}, nil
}

// TopDesign is rtl/top's lifkit_top_<family>: lif_core with the framed host link
// (rtl/link), the design a board runs. Its block RAM outside lif_core enters the fit check:
// the link's two 512-byte frame buffers, its trace and counter RAM (2^TAW words of
// max(16, SMAX) bits) and its input staging RAM, declared 2^IAW = 8 KiB. On
// ECP5 that RAM takes its 4 EBR (measured: lifkit_top_ecp5 for 784-128-10 places 72 DP16KD,
// 66 of them lif_core's); on iCE40 Yosys 0.23 builds it as one 512-byte block (measured:
// lifkit_top_ice40 takes 31 SB_RAM40_4K, 28 of them lif_core's), so the model counts what is
// built.
func TopDesign(root string, f board.Family) (Design, error) {
	top := "lifkit_top_" + string(f)
	topFile := filepath.Join(root, "rtl", "top", top+".v")
	if !exists(topFile) {
		return Design{}, fmt.Errorf("bitstream: %s is missing: rtl/top has no top level for %s", topFile, f)
	}
	var files []string
	for _, dir := range []string{"core", "link"} {
		fs, err := filepath.Glob(filepath.Join(root, "rtl", dir, "*.v"))
		if err != nil || len(fs) == 0 {
			return Design{}, fmt.Errorf("bitstream: no rtl/%s sources under %s", dir, root)
		}
		files = append(files, fs...)
	}
	files = append(files, topFile)
	staging, taw := 1<<13, 10 // the tops' IAW and TAW
	if f == board.ICE40 {
		staging, taw = 1<<9, 8
	}
	return Design{
		Name:       top + " (lif_core + host link)",
		HostLink:   true,
		Files:      files,
		Top:        top,
		Params:     map[string]string{},
		ClockParam: "CLK_HZ",
		CoreParams: true,
		Bakeable:   true,
		// With 8 lanes rtl/top takes 95 % of the UP5K's logic cells: nextpnr places some
		// networks' builds and not others ("at utilisation limit"). 4 lanes take 91 %, and the
		// SPRAM holds the same weights (32K x 32). --lanes 8 still asks for 8.
		MaxLanes: map[string]int{"up5k": 4},
		Extra: []Memory{
			{Name: "link rx frame buffer", Width: 8, Depth: 1 << 9},
			{Name: "link tx frame buffer", Width: 8, Depth: 1 << 9},
			{Name: "link input staging (as built)", Width: 8, Depth: staging},
			{Name: "link trace and status counters", Width: 16, Depth: 1 << taw, WidthAtLeastSMax: true},
		},
	}, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
