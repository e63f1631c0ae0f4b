package controlplane

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// harness is a ControlPlane with only what startRivvend needs, on a
// loopback address of its own.
func harness(t *testing.T, host string) *ControlPlane {
	t.Helper()
	if os.Getenv("RIVVEN_E2E") != "1" {
		t.Skip("runs with make e2e (RIVVEN_E2E=1), which builds bin/rivven first")
	}
	root, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "logs"), 0o700); err != nil {
		t.Fatal(err)
	}
	c := &ControlPlane{opts: Options{Root: root, RivvenHost: host, BrokerNames: []string{"rivven-test.default.svc"}}, dir: dir}
	t.Cleanup(c.Stop)
	return c
}

// The harness's rivvend serves the real broker: the real CLI creates and
// lists a topic on it.
func TestRivvendServes(t *testing.T) {
	c := harness(t, "127.77.4.1")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := c.startRivvend(ctx); err != nil {
		t.Fatal(err)
	}
	if out, err := c.Rivven.CLI(ctx, "topic", "create", "harness-check", "--partitions", "2"); err != nil {
		t.Fatal(err, out)
	}
	out, err := c.Rivven.CLI(ctx, "topic", "list")
	if err != nil || !strings.Contains(out, "• harness-check") {
		t.Fatalf("rivven topic list: %v\n%s", err, out)
	}
}

// rivvend 0.0.22 keeps running, and answers /health, when its client port
// is taken; the harness must refuse rather than report another process's
// port as the broker.
func TestRivvendRefusesTakenPort(t *testing.T) {
	c := harness(t, "127.77.4.2")
	l, err := net.Listen("tcp", "127.77.4.2:9092")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	err = c.startRivvend(context.Background())
	if err == nil || !strings.Contains(err.Error(), "127.77.4.2:9092 is taken") {
		t.Fatalf("startRivvend with its client port taken: %v, want an error naming the port", err)
	}
}
