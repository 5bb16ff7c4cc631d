package board

// Family is an FPGA family with its own flow (synth_ice40/nextpnr-ice40/icepack or
// synth_ecp5/nextpnr-ecp5/ecppack).
type Family string

// Supported families.
const (
	ICE40 Family = "ice40"
	ECP5  Family = "ecp5"
)

// Device is one FPGA part and the resources lifkit sizes a core against (see
// ../shared/facts/fpga.md and the vendor data sheets).
type Device struct {
	Name       string // nextpnr device flag without dashes: "up5k", "85k", "um5g-85k"
	Part       string // vendor part name
	Family     Family
	LUTs       int // LUT4 (iCE40 logic cells, ECP5 LUT4)
	BRAM       int // block RAM primitives: SB_RAM40_4K or DP16KD
	BRAMBits   int // bits per block RAM primitive (data bits, no parity)
	SPRAM      int // SB_SPRAM256KA count (UP5K only)
	SPRAMBits  int // bits per SPRAM
	DSP        int // SB_MAC16 or MULT18X18D
	WeightsPer int // weights of 8 bits or less held by one block RAM primitive: 4 Kbit/8 on iCE40, 2048 x 9 on ECP5
}

var devices = map[string]Device{
	"up5k":     {Name: "up5k", Part: "iCE40UP5K", Family: ICE40, LUTs: 5280, BRAM: 30, BRAMBits: 4096, SPRAM: 4, SPRAMBits: 262144, DSP: 8, WeightsPer: 512},
	"hx8k":     {Name: "hx8k", Part: "iCE40HX8K", Family: ICE40, LUTs: 7680, BRAM: 32, BRAMBits: 4096, WeightsPer: 512},
	"12k":      {Name: "12k", Part: "LFE5U-12F", Family: ECP5, LUTs: 12288, BRAM: 32, BRAMBits: 18432, DSP: 28, WeightsPer: 2048},
	"25k":      {Name: "25k", Part: "LFE5U-25F", Family: ECP5, LUTs: 24288, BRAM: 56, BRAMBits: 18432, DSP: 28, WeightsPer: 2048},
	"45k":      {Name: "45k", Part: "LFE5U-45F", Family: ECP5, LUTs: 43848, BRAM: 108, BRAMBits: 18432, DSP: 72, WeightsPer: 2048},
	"85k":      {Name: "85k", Part: "LFE5U-85F", Family: ECP5, LUTs: 83640, BRAM: 208, BRAMBits: 18432, DSP: 156, WeightsPer: 2048},
	"um5g-85k": {Name: "um5g-85k", Part: "LFE5UM5G-85F", Family: ECP5, LUTs: 83640, BRAM: 208, BRAMBits: 18432, DSP: 156, WeightsPer: 2048},
}

// LookupDevice returns the device with the given nextpnr name.
func LookupDevice(name string) (Device, bool) {
	d, ok := devices[name]
	return d, ok
}
