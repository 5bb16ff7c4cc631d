package sim

// Fixed-point primitives of docs/semantics.md. The RTL mirrors them in
// rtl/lif_neuron_update.v.

// Decay implements rule S-7: x - floor(x*leak / 4096). The product is exact in 64 bits and the
// division is an arithmetic right shift, which rounds toward minus infinity. With leak =
// 2^(12-k) it equals the shift decay x - (x >>> k).
func Decay(x int32, leak int) int32 {
	return x - int32((int64(x)*int64(leak))>>LeakBits)
}

// Saturate implements sat_S of docs/semantics.md: clamp x to the signed bits-wide range.
func Saturate(x int64, bits int) int32 {
	hi := int64(1)<<(bits-1) - 1
	lo := -hi - 1
	if x > hi {
		return int32(hi)
	}
	if x < lo {
		return int32(lo)
	}
	return int32(x)
}
