package testbench

import "github.com/lifkit/lifkit/rtl/coremap"

// Config is one compile-time configuration of lif_core (its Verilog parameters, docs/rtl.md).
// It is rtl/coremap's, so the harness, hostdrv and bitstream size the core one way.
type Config = coremap.Config

// FitError says why a network does not fit a configuration.
type FitError = coremap.FitError

// ConfigFor returns the smallest configuration with the given lanes that holds n.
var ConfigFor = coremap.ConfigFor
