package sim

// Exported for the external tests.
type DenseTrace struct {
	I, V, S, R [][][]int64
	Pred       int
}

func DenseRun(n *Network, s Sample) DenseTrace {
	d := denseRun(n, s)
	return DenseTrace{I: d.I, V: d.V, S: d.S, R: d.R, Pred: d.pred}
}
