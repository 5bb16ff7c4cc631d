package netfile

// The on-disk form of a network file, version 1 (docs/netfile.md). Pointer fields are
// required: a nil pointer after decoding means the field was missing.

// FormatName is the value of the "format" field of every network file.
const FormatName = "lifkit-network"

// Version is the file version this package writes; Decode reads versions 1..Version.
const Version = 1

// MaxFileBytes bounds what Decode reads: a file larger than this is refused.
const MaxFileBytes = 256 << 20

type fileNetwork struct {
	Format      *string     `yaml:"format"`
	Version     *int        `yaml:"version"`
	Name        string      `yaml:"name,omitempty"`
	Inputs      *int        `yaml:"inputs"`
	Predict     *string     `yaml:"predict"`
	EncoderSeed *uint32     `yaml:"encoder_seed"`
	Layers      []fileLayer `yaml:"layers"`
}

type fileLayer struct {
	Kind         *string `yaml:"kind"`
	Size         *int    `yaml:"size"`
	StateBits    *int    `yaml:"state_bits"`
	WeightBits   *int    `yaml:"weight_bits"`
	WeightShift  *int    `yaml:"weight_shift"`
	CurrentLeak  *int    `yaml:"current_leak"`
	MembraneLeak *int    `yaml:"membrane_leak"`
	Threshold    *int64  `yaml:"threshold,omitempty"`
	Reset        *string `yaml:"reset,omitempty"`
	Refractory   *int    `yaml:"refractory,omitempty"`
	Recurrent    bool    `yaml:"recurrent,omitempty"`
	// Weights and RecurrentWeights are base64 (standard alphabet, padded) of one signed byte
	// per weight, row-major by source. WeightsCRC32 is the IEEE CRC-32 of the feed-forward
	// bytes followed by the recurrent bytes, as 8 lowercase hex digits.
	Weights          *string `yaml:"weights"`
	RecurrentWeights *string `yaml:"recurrent_weights,omitempty"`
	WeightsCRC32     *string `yaml:"weights_crc32"`
}
