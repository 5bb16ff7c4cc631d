// Package board is lifkit's board database: which FPGA each supported board carries, its clock,
// the pins of the host link (UART) and the LEDs, how it is programmed and its USB IDs. Boards
// are data (boards.yaml, embedded), extended or overridden by a user file with the same layout
// without recompiling. Devices (the FPGA parts and the resources they offer) are facts in
// devices.go.
//
// # Invariants
//
// Every Board returned by a Database passed Validate: its family and device agree, its device
// is in the device table, it has a clock pin and a clock frequency in (0, 400] MHz, UART rx and
// tx pins, and no pin is used twice. Names are unique and lower case; a user board with the
// name of a built-in board replaces it whole.
package board
