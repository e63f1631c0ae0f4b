package e2e

import (
	"testing"

	"github.com/rivven/crossplane-rivven/test/podrun"
)

// The tier runs in a network namespace of its own: the pods' bridge and
// addresses, and every loopback listener of the control plane, exist only
// there and vanish with the test binary.
func TestMain(m *testing.M) { podrun.Main(m, "end-to-end tier") }
