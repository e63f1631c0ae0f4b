// Package connect is the connect tier: the pipeline files and pods
// function-rivven-connect composes, run with the real rivven-connect
// (bin/rivven, built by make rivven) through package podrun.
package connect

import (
	"net/netip"
	"testing"

	"github.com/rivven/crossplane-rivven/test/podrun"
)

func TestMain(m *testing.M) { podrun.Main(m, "connect tier") }

var podNetwork = podrun.OnceNetwork("podrun1", netip.MustParsePrefix("10.90.0.0/24"))

// network is the pod network: a bridge that exists only in this test
// binary's own network namespace.
func network(t *testing.T) *podrun.Network {
	t.Helper()
	n, err := podNetwork()
	if err != nil {
		t.Fatal(err)
	}
	return n
}
