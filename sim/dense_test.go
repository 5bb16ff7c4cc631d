package sim

// denseRun is a second, independent reading of docs/semantics.md: a plain clock-driven loop
// over every (source, neuron) pair with int64 arithmetic and explicit floor division, no event
// lists, no shared helpers with machine.go. The event-driven Machine must equal it exactly.

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func denseSat(x int64, bits int) int64 {
	hi := int64(1)<<(bits-1) - 1
	lo := -(int64(1) << (bits - 1))
	return max(lo, min(hi, x))
}

func denseDecay(x int64, leak int) int64 { return x - floorDiv(x*int64(leak), 4096) }

type denseTrace struct {
	I, V, S, R [][][]int64 // [layer][t][i]
	pred       int
}

func denseRun(n *Network, s Sample) denseTrace {
	L := len(n.Layers)
	var tr denseTrace
	tr.I, tr.V, tr.S, tr.R = make([][][]int64, L), make([][][]int64, L), make([][][]int64, L), make([][][]int64, L)
	I := make([][]int64, L)
	V := make([][]int64, L)
	R := make([][]int64, L)
	S := make([][]int64, L)
	for l := range n.Layers {
		k := n.Layers[l].Size
		I[l], V[l], R[l], S[l] = make([]int64, k), make([]int64, k), make([]int64, k), make([]int64, k)
	}
	lfsr := uint32(n.EncoderSeed)
	for t := 0; t < s.Steps; t++ {
		in := make([]int64, n.Inputs)
		if s.Intensity != nil {
			for j := 0; j < n.Inputs; j++ {
				for k := 0; k < 8; k++ {
					b := lfsr & 1
					lfsr >>= 1
					if b == 1 {
						lfsr ^= 0x80200003
					}
				}
				if int64(lfsr&0xff) < int64(s.Intensity[j]) {
					in[j] = 1
				}
			}
		} else if t < len(s.Spikes) {
			for _, j := range s.Spikes[t] {
				in[j] = 1
			}
		}
		src := in
		for l := range n.Layers {
			ly := &n.Layers[l]
			N := ly.Size
			prevS := S[l]
			newS := make([]int64, N)
			for i := 0; i < N; i++ {
				var acc int64
				for j := range src {
					if src[j] == 1 {
						acc += int64(ly.W[j*N+i])
					}
				}
				if ly.R != nil {
					for k := 0; k < N; k++ {
						if prevS[k] == 1 {
							acc += int64(ly.R[k*N+i])
						}
					}
				}
				acc *= int64(1) << ly.WeightShift
				I[l][i] = denseSat(denseDecay(I[l][i], ly.CurrentLeak)+acc, ly.StateBits)
				if ly.Kind == Readout {
					V[l][i] = denseSat(denseDecay(V[l][i], ly.MembraneLeak)+I[l][i], ly.StateBits)
					continue
				}
				if R[l][i] > 0 {
					R[l][i]--
					continue
				}
				v := denseSat(denseDecay(V[l][i], ly.MembraneLeak)+I[l][i], ly.StateBits)
				if v >= int64(ly.Threshold) {
					newS[i] = 1
					if ly.Reset == ResetZero {
						v = 0
					} else {
						v -= int64(ly.Threshold)
					}
					R[l][i] = int64(ly.Refractory)
				}
				V[l][i] = v
			}
			S[l] = newS
			src = newS
			tr.I[l] = append(tr.I[l], append([]int64(nil), I[l]...))
			tr.V[l] = append(tr.V[l], append([]int64(nil), V[l]...))
			tr.S[l] = append(tr.S[l], append([]int64(nil), newS...))
			tr.R[l] = append(tr.R[l], append([]int64(nil), R[l]...))
		}
	}
	// Prediction, rule S-17.
	last := L - 1
	score := make([]int64, n.Layers[last].Size)
	for c := range score {
		if n.Predict == MaxMembrane {
			score[c] = tr.V[last][0][c]
			for t := range s.Steps {
				score[c] = max(score[c], tr.V[last][t][c])
			}
		} else {
			for t := range s.Steps {
				score[c] += tr.S[last][t][c]
			}
		}
	}
	for c := range score {
		if score[c] > score[tr.pred] {
			tr.pred = c
		}
	}
	return tr
}
