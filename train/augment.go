package train

import (
	"fmt"
	"math/rand/v2"

	"github.com/lifkit/lifkit/sim"
)

// Augment is training-only data augmentation. It changes what the training batches of
// RunEpoch see and nothing else: Step (called directly), Evaluate, Integer and the exported
// network use the samples as given and the network's own encoder seed, so the exported network
// still runs bit-exactly in sim and on the hardware. Every random choice is drawn from the
// seed, the epoch number and the sample's index in the training data, so a run is
// reproducible whatever the number of cores, resumed or not.
type Augment struct {
	// EncoderSeed, when nonzero, gives every training sample carried as intensities its own
	// rate-code draws in every epoch: the encoder's LFSR (rule S-13) is loaded with a nonzero
	// 32-bit seed drawn from (EncoderSeed, epoch, index) instead of the network's
	// encoder_seed. The spike probability of each pixel is unchanged; only the draws differ,
	// so the network cannot fit the one fixed draw sequence that rule S-6 gives every sample.
	EncoderSeed uint64
	// Shift, when positive, translates every training image by a whole number of pixels drawn
	// uniformly from -Shift..Shift along each axis (pixels shifted in are 0), drawn from
	// (Config.Seed, epoch, index). It needs Width and samples carried as intensities.
	Shift int
	// Width is the image width in pixels: input j is pixel (j mod Width, j div Width).
	Width int
}

// MaxShift bounds Augment.Shift.
const MaxShift = 8

// active reports whether a changes any sample.
func (a Augment) active() bool { return a.EncoderSeed != 0 || a.Shift > 0 }

func (a Augment) check(inputs int) error {
	if a.Shift < 0 || a.Shift > MaxShift {
		return fmt.Errorf("train: shift must be in 0..%d pixels, got %d", MaxShift, a.Shift)
	}
	if a.Shift > 0 && (a.Width < 1 || inputs%a.Width != 0) {
		return fmt.Errorf("train: shift needs the image width (a divisor of the %d inputs), got %d; shift works on image data sets (mnist, fashion, idx:DIR with the rate code)", inputs, a.Width)
	}
	return nil
}

// augKey identifies one training sample in one epoch.
type augKey struct {
	epoch int
	index int
}

// augmentation is one worker's buffers for an augmented sample.
type augmentation struct {
	sample sim.Sample
	img    []uint8
	draws  []uint8
}

// encoderSeedFor is the LFSR seed of training sample k in augmented runs: nonzero, 32 bits.
func encoderSeedFor(seed uint64, k augKey) uint32 {
	r := rand.New(rand.NewPCG(seed^0x6c69666b6974, uint64(k.epoch)<<32|uint64(uint32(k.index))))
	for {
		if s := r.Uint32(); s != 0 {
			return s
		}
	}
}

// shiftFor draws sample k's translation in -n..n along each axis.
func shiftFor(seed uint64, k augKey, n int) (dx, dy int) {
	r := rand.New(rand.NewPCG(seed^0x7368696674, uint64(k.epoch)<<32|uint64(uint32(k.index))))
	return r.IntN(2*n+1) - n, r.IntN(2*n+1) - n
}

// shiftImage writes src translated by (dx, dy) into dst (same length): dst(x, y) =
// src(x-dx, y-dy), 0 outside.
func shiftImage(dst, src []uint8, width, dx, dy int) {
	h := len(src) / width
	clear(dst)
	for y := max(0, dy); y < min(h, h+dy); y++ {
		sy := y - dy
		for x := max(0, dx); x < min(width, width+dx); x++ {
			dst[y*width+x] = src[sy*width+x-dx]
		}
	}
}

// apply returns the sample the training pass sees for s, and the draw table its encoder uses
// (nil: the network's). The result lives in the buffers of a until the next call.
func (a *augmentation) apply(cfg *Config, s *sim.Sample, k augKey) (*sim.Sample, []uint8, error) {
	aug := cfg.Augment
	if s.Intensity == nil {
		if aug.Shift > 0 {
			return nil, nil, fmt.Errorf("train: shift augmentation needs images carried as intensities (rate code); this sample gives spike events")
		}
		return s, nil, nil // encoder draws do not apply to spike events
	}
	a.sample = *s
	if aug.Shift > 0 {
		if cap(a.img) < len(s.Intensity) {
			a.img = make([]uint8, len(s.Intensity))
		}
		a.img = a.img[:len(s.Intensity)]
		dx, dy := shiftFor(cfg.Seed, k, aug.Shift)
		shiftImage(a.img, s.Intensity, aug.Width, dx, dy)
		a.sample.Intensity = a.img
	}
	if aug.EncoderSeed == 0 {
		return &a.sample, nil, nil
	}
	n := len(s.Intensity) * s.Steps
	if cap(a.draws) < n {
		a.draws = make([]uint8, n)
	}
	a.draws = a.draws[:n]
	lf := sim.LFSR(encoderSeedFor(aug.EncoderSeed, k))
	for i := range a.draws {
		a.draws[i] = lf.Draw()
	}
	return &a.sample, a.draws, nil
}
