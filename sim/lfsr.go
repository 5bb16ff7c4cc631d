package sim

// LFSRMask is the feedback mask of the encoder's 32-bit Galois LFSR (rule S-13): polynomial
// x^32 + x^22 + x^2 + x + 1, shifting right.
const LFSRMask uint32 = 0x80200003

// LFSR is the on-chip rate encoder's generator (rule S-13). The zero value is stuck at 0;
// start it from a nonzero seed.
type LFSR uint32

// Step advances the LFSR by one shift (rule S-13, lfsr_step).
func (a *LFSR) Step() {
	v := uint32(*a)
	out := v & 1
	v >>= 1
	if out != 0 {
		v ^= LFSRMask
	}
	*a = LFSR(v)
}

// Draw advances the LFSR 8 times and returns its low 8 bits: one draw of rule S-13.
//
// Eight Galois steps are linear and only the low byte feeds back (the bits above it merely
// shift down), so they equal a >> 8 XOR a table entry indexed by the low byte.
func (a *LFSR) Draw() uint8 {
	v := uint32(*a)
	v = v>>8 ^ step8[v&0xFF]
	*a = LFSR(v)
	return uint8(v)
}

// step8[b] is eight steps applied to the state b (low byte only).
var step8 = func() (t [256]uint32) {
	for b := range t {
		a := LFSR(b)
		for range 8 {
			a.Step()
		}
		t[b] = uint32(a)
	}
	return t
}()

// Encode forms the input spikes of one step from intensities (rule S-13): one draw per input in
// ascending order; input j spikes when the draw is below x[j]. The indices of spiking inputs
// are appended to dst, which is returned.
func (a *LFSR) Encode(dst []int, x []uint8) []int {
	for j, v := range x {
		if a.Draw() < v {
			dst = append(dst, j)
		}
	}
	return dst
}
