// Package broker is the broker tier: the broker pods function-rivven-cluster
// composes, run with the real rivvend (bin/rivven, built by make rivven)
// through package podrun, each in a network namespace of its own, and checked
// with the composed probes, the ServiceMonitor's endpoint and the real rivven
// CLI. See README.md in this directory.
package broker

import (
	"net/netip"
	"testing"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

func TestMain(m *testing.M) { podrun.Main(m, "broker tier") }

var podNetwork = podrun.OnceNetwork("podrun0", netip.MustParsePrefix("10.88.0.0/24"))

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

// resolveImage maps composed images to the binaries of make rivven.
func resolveImage(image string) (string, error) { return rivvenbin.Resolve(image) }

// cli is the real rivven CLI of the default version: the independent client.
func cli(t *testing.T) string {
	t.Helper()
	p, err := rivvenbin.Binary(clusterv1alpha1.DefaultVersion, "rivven")
	if err != nil {
		t.Fatal(err)
	}
	return p
}
