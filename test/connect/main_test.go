// Package connect is the connect tier: the pipeline files and pods
// function-rivven-connect composes, run with the real rivven-connect
// (bin/rivven, built by make rivven) through package podrun.
package connect

import (
	"fmt"
	"net/netip"
	"os"
	"sync"
	"testing"

	"github.com/rivven/crossplane-rivven/test/podrun"
)

func TestMain(m *testing.M) {
	if err := podrun.ReexecInPrivateNetwork(); err != nil {
		fmt.Fprintln(os.Stderr, "connect tier:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

var (
	netOnce sync.Once
	podNet  *podrun.Network
	netErr  error
)

// network is the pod network, on a bridge only this test's network
// namespace has.
func network(t *testing.T) *podrun.Network {
	t.Helper()
	netOnce.Do(func() { podNet, netErr = podrun.NewNetwork("podrun1", netip.MustParsePrefix("10.90.0.0/24")) })
	if netErr != nil {
		t.Fatal(netErr)
	}
	return podNet
}
