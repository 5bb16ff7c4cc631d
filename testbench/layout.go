package testbench

import (
	"github.com/lifkit/lifkit/rtl/coremap"
	"github.com/lifkit/lifkit/sim"
)

// The core's memory layout lives in rtl/coremap (neutral ground shared with hostdrv); these
// names keep testbench's API.

// Host port regions and registers of lif_core (docs/rtl.md).
const (
	RegionGlobal  = coremap.RegionGlobal
	RegionLayer   = coremap.RegionLayer
	RegionWeights = coremap.RegionWeights
	RegionState   = coremap.RegionState
	RegionInput   = coremap.RegionInput

	RegID        = coremap.RegID
	RegConfig    = coremap.RegConfig
	RegNumLayers = coremap.RegNumLayers
	RegNumInputs = coremap.RegNumInputs
	RegSeed      = coremap.RegSeed
	RegStep      = coremap.RegStep
	CoreID       = coremap.CoreID
	// ConfigPacking is CONFIG[21]: the core reads packed layers (CFG[3]).
	ConfigPacking = coremap.ConfigPacking

	ParamCfg       = coremap.ParamCfg
	ParamSize      = coremap.ParamSize
	ParamLeak      = coremap.ParamLeak
	ParamThreshold = coremap.ParamThreshold
	ParamWBase     = coremap.ParamWBase
	ParamRBase     = coremap.ParamRBase
	ParamRowShift  = coremap.ParamRowShift
	ParamStateBase = coremap.ParamStateBase

	FieldI    = coremap.FieldI
	FieldV    = coremap.FieldV
	FieldR    = coremap.FieldR
	FieldStat = coremap.FieldStat
)

// Addr builds a host port word address.
func Addr(region int, off uint32) uint32 { return coremap.Addr(region, off) }

// LayerAddr is the address of parameter p of layer l.
func LayerAddr(l, p int) uint32 { return coremap.LayerAddr(l, p) }

// StateAddr is the address of field f of the neuron with global index g.
func StateAddr(g, f int) uint32 { return coremap.StateAddr(g, f) }

// Write is one host port write.
type Write = coremap.Write

// LayerPlan is where one layer lives in the core's memories.
type LayerPlan = coremap.LayerPlan

// Layout is the memory image of a network on a configuration.
type Layout = coremap.Layout

// CfgWord packs layer parameter 0 (docs/rtl.md).
func CfgWord(l *sim.Layer) uint32 { return coremap.CfgWord(l) }

// NewLayout computes the memory image of n on c: global registers, layer parameters and every
// weight word, as host port writes. n must fit c (Config.Fits).
func NewLayout(c Config, n *sim.Network) *Layout { return coremap.NewLayout(c, n) }
