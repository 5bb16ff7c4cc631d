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

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
