//go:build race

package costmodel

// raceBuild is set under the race detector, which runs the search several
// times slower: the proofs against exact answers check fewer teams there.
const raceBuild = true
