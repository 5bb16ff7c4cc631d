// Package cosim co-simulates a whole lifkit board: the family top level (rtl/top: lif_core and
// the host link of rtl/link) built with Verilator, its UART driven at bit level by a small C++
// harness, and exposed to Go as a hostdrv.Transport. The hostdrv client then talks to the RTL
// exactly as it would to a board, and every answer can be compared with sim.
//
// # Invariants
//
// A Board's byte stream is the UART's: bytes written are shifted into uart_rx_i as 8N1 frames,
// bytes read are what uart_tx_o sent, in order. Close ends the simulation process and waits for
// it; no goroutine or process outlives it. Builds are cached by a hash of every source and
// parameter, so a second Build is free.
package cosim
