// Package netfile reads and writes lifkit network files (docs/netfile.md): a versioned YAML
// document whose structure and parameters are readable text and whose weights sit in a compact
// base64 section per layer, guarded by a CRC-32.
//
// # Invariants
//
// Decode either returns a network that passed sim.Network.Validate or an *Error naming the
// field and the reason; it never allocates more than the declared sizes allow (bounded by
// sim.MaxWeights) and never panics on any input. Encode followed by Decode returns an equal
// network. Save replaces the file atomically.
package netfile
