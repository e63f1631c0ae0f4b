package controlplane

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Ports of the harness's rivvend, those of a composed broker pod: 9092 the
// client port (rivvend's own protocol), 9094 the HTTP API. 9093, the
// cluster port, is not bound by a standalone broker.
const (
	RivvenPort    = 9092
	RivvenAPIPort = 9094
)

// Rivvend is the real standalone rivvend the harness starts at the address
// the composed ProviderConfig names. It is the harness's process, not a
// composed pod's: the broker pods stay kwok's (see the package doc).
type Rivvend struct {
	// Version is the Rivven release of the binaries, the newest tested one.
	Version string
	// Addr is the client port, APIAddr the HTTP API (health, metrics).
	Addr, APIAddr string
	// DataDir is the broker's data directory, under the state directory.
	DataDir string
	binDir  string
}

// Bin is the path of one of the release's binaries: rivvend, rivven (the
// CLI) or rivven-topic-configs (make rivven).
func (r *Rivvend) Bin(name string) string { return filepath.Join(r.binDir, name) }

// rivvenVersion is the default Rivven version, the first entry of
// RIVVEN_SUPPORTED_VERSIONS in hack/rivven/versions.sh: read from there so
// this module (kept apart from the product's) names no version of its own.
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

// startRivvend starts rivvend standalone on RivvenHost with the settings a
// one-broker cluster gets: no client authentication (a stock rivvend has no
// users, so with auth on no client can do more than ping), replication
// factor and min ISR 1. It waits, bounded, for the client port and for
// /health on the API, the composed readiness probe.
func (c *ControlPlane) startRivvend(ctx context.Context) error {
	v, err := rivvenVersion(c.opts.Root)
	if err != nil {
		return err
	}
	r := &Rivvend{
		Version: v,
		Addr:    net.JoinHostPort(c.opts.RivvenHost, strconv.Itoa(RivvenPort)),
		APIAddr: net.JoinHostPort(c.opts.RivvenHost, strconv.Itoa(RivvenAPIPort)),
		DataDir: filepath.Join(c.dir, "rivvend"),
		binDir:  c.bin("bin", "rivven", v),
	}
	if err := os.MkdirAll(r.DataDir, 0o700); err != nil {
		return err
	}
	// rivvend 0.0.22 does not exit when it cannot bind its ports: with the
	// client port taken it logs nothing and answers /health 200, with the
	// API port taken it serves 9092 without an API. So the ports must be
	// free first, and the client port counts as served only once rivvend
	// logs that it listens there.
	for _, a := range []string{r.Addr, r.APIAddr} {
		l, err := net.Listen("tcp", a)
		if err != nil {
			return fmt.Errorf("%s is taken (is another make run or make e2e up? make stop): %w", a, err)
		}
		_ = l.Close()
	}
	env := []string{
		"RIVVEN_MODE=standalone",
		"RIVVEN_BIND=" + r.Addr,
		"RIVVEN_API_BIND=" + r.APIAddr,
		"RIVVEN_DATA_DIR=" + r.DataDir,
		"RIVVEN_NO_REQUIRE_AUTH=true",
		"RIVVEN_REPLICATION_FACTOR=1",
		"RIVVEN_MIN_ISR=1",
		"RUST_LOG=info",
	}
	p, err := c.start("rivvend", env, r.Bin("rivvend"))
	if err != nil {
		return err
	}
	listening := "Server listening on " + r.Addr
	health := "http://" + r.APIAddr + "/health"
	hc := &http.Client{Timeout: 2 * time.Second}
	if err := poll(ctx, 30*time.Second, "rivvend serving "+r.Addr+" and "+health, c.logf, func(ctx context.Context) (bool, string, error) {
		if done, err := p.exited(); done {
			return false, "", fmt.Errorf("rivvend exited (%v); last lines of %s:\n%s", err, c.rel(p.log), tail(p.log, 15))
		}
		if log, _ := os.ReadFile(p.log); !strings.Contains(string(log), listening) {
			return false, "no " + strconv.Quote(listening) + " in " + c.rel(p.log) + " yet", nil
		}
		conn, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", r.Addr)
		if err != nil {
			return false, err.Error(), nil
		}
		_ = conn.Close()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, health, nil)
		resp, err := hc.Do(req)
		if err != nil {
			return false, err.Error(), nil
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusOK, "/health " + resp.Status, nil
	}); err != nil {
		return err
	}
	c.Rivven = r
	c.logf("rivvend %s standalone on %s (API %s, data %s), started by the harness for the Service names %s",
		v, r.Addr, r.APIAddr, c.rel(r.DataDir), strings.Join(c.opts.BrokerNames, ", "))
	return nil
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
