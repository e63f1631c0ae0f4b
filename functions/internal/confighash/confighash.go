// Package confighash computes the pod-template annotation that rolls pods when,
// and only when, their rendered configuration changes.
package confighash

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"slices"
)

// Annotation is the pod-template annotation that carries the hash.
const Annotation = "rivven.io/config-hash"

// Of returns a stable hex SHA-256 over data: keys are sorted and every key
// and value is length-prefixed, so no two different maps share an encoding.
func Of(data map[string]string) string {
	h := sha256.New()
	for _, k := range slices.Sorted(maps.Keys(data)) {
		writeField(h, k)
		writeField(h, data[k])
	}
	return hex.EncodeToString(h.Sum(nil))
}

type writer interface{ Write(p []byte) (int, error) }

func writeField(w writer, s string) {
	var n [8]byte
	l := uint64(len(s))
	for i := range n {
		n[i] = byte(l >> (8 * i))
	}
	_, _ = w.Write(n[:])
	_, _ = w.Write([]byte(s))
}
