package controlplane

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Ports of a composed broker pod: 9092 the client port (rivvend's own
// protocol), 9094 the HTTP API.
const (
	RivvenPort    = 9092
	RivvenAPIPort = 9094
)

// Rivvend is the real rivvend of a composed broker pod, as Rivven's own
// tools reach it.
type Rivvend struct {
	// Version is the Rivven release of the tools, the newest tested one.
	Version string
	// Addr is the client port at the pod's address.
	Addr   string
	binDir string
}

// Bin is the path of one of the release's binaries: rivvend, rivven (the
// CLI) or rivven-topic-configs (make rivven).
func (r *Rivvend) Bin(name string) string { return filepath.Join(r.binDir, name) }

// rivvenVersion is the default Rivven version, the first entry of
// RIVVEN_SUPPORTED_VERSIONS in hack/rivven/versions.sh: read from there so
// this module names no version of its own.
func rivvenVersion(root string) (string, error) {
	raw, err := os.ReadFile(filepath.Join(root, "hack", "rivven", "versions.sh"))
	if err != nil {
		return "", err
	}
	m := regexp.MustCompile(`(?m)^RIVVEN_SUPPORTED_VERSIONS=\(\s*([^\s)]+)`).FindSubmatch(raw)
	if m == nil {
		return "", errors.New("hack/rivven/versions.sh has no RIVVEN_SUPPORTED_VERSIONS")
	}
	return string(m[1]), nil
}

// Broker is the broker behind the client Service of RivvenCluster ns/name
// (rivven-<name>), at a ready pod's address.
func (c *ControlPlane) Broker(ctx context.Context, ns, name string) (*Rivvend, error) {
	v, err := rivvenVersion(c.opts.Root)
	if err != nil {
		return nil, err
	}
	ip, err := c.ServiceAddr(ctx, ns, "rivven-"+name)
	if err != nil {
		return nil, err
	}
	return &Rivvend{Version: v, Addr: net.JoinHostPort(ip, strconv.Itoa(RivvenPort)), binDir: c.bin("bin", "rivven", v)}, nil
}

// CLI runs the real rivven CLI against the broker: Rivven's own client,
// independent of the provider's.
func (r *Rivvend) CLI(ctx context.Context, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Bin("rivven"), append(args, "--server", r.Addr)...)
	// Its connection log lines would hide what it prints.
	cmd.Env = append(os.Environ(), "RUST_LOG=warn")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("rivven %s --server %s: %w: %s", strings.Join(args, " "), r.Addr, err, out)
	}
	return string(out), nil
}

// TopicConfigs reads a topic's configs (all of rivvend's keys, defaults
// included) through rivven-client, the Rust client of Rivven's authors,
// with the rivven-topic-configs checker: the rivven CLI of 0.0.22 has no
// command for configs.
func (r *Rivvend) TopicConfigs(ctx context.Context, topic string) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, r.Bin("rivven-topic-configs"), r.Addr, topic).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("rivven-topic-configs %s %s: %w: %s", r.Addr, topic, err, ee.Stderr)
		}
		return nil, err
	}
	// The client logs to stdout before the JSON line.
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	cfg := map[string]string{}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &cfg); err != nil {
		return nil, fmt.Errorf("rivven-topic-configs %s: %w: %q", topic, err, out)
	}
	return cfg, nil
}
