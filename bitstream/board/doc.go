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
// name of a built-in board replaces it whole. Every citation (the YAML key "source") names a
// file and at least one known fact; a fact is never both cited and listed as unverified.
//
// Every built-in board cites the published files (the vendor's or the board's canonical open
// project's constraint file, schematic-derived pin list or documentation) that its device,
// package, clock, UART, LEDs, LED polarity and USB IDs were checked against, or lists the fact
// as unverified; board_test.go pins each verified value, typed from the cited file, so that an
// edit of boards.yaml that breaks a pin fails the tests. docs/boards.md tabulates the sources
// and each board's caveats.
package board
