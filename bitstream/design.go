package bitstream

import (
	"fmt"
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
		CoreParams: true,
	}, nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
