// Package buildcmd holds the lifkit commands of the bitstream area: `lifkit build` (network or
// core configuration -> bitstream, report and summary for a board) and `lifkit boards` (the
// board database). The lead wires NewBuildCommand and NewBoardsCommand into cmd/lifkit.
//
// # Invariants
//
// Both commands only read their inputs and write under --out (build) or to stdout (boards);
// every error names what to do next. Nothing runs a tool before the network was checked
// against the board.
package buildcmd
