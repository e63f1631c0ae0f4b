package rivvenbin

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Broker is a real standalone rivvend on loopback, started by a test and
// stopped when it ends. Its data directory outlives Restart, as a pod's
// volume outlives its container.
type Broker struct {
	// Addr is the client port (rivvend's own protocol), APIAddr the HTTP
	// API (health, metrics).
	Addr, APIAddr string
	DataDir       string

	t    testing.TB
	bin  string
	env  []string
	mu   sync.Mutex // guards cmd and done
	cmd  *exec.Cmd
	done chan struct{}
	out  syncBuffer
}

// StartBroker starts rivvend of version in standalone mode on two free
// loopback ports, with RIVVEN_NO_REQUIRE_AUTH=true (a stock broker has no
// users, so with auth on no client can do anything but ping) unless env
// says otherwise. env adds or overrides variables. It fails the test when
// the binary is not built or the broker does not listen within 30 s.
func StartBroker(t testing.TB, version string, env map[string]string) *Broker {
	t.Helper()
	bin, err := Binary(version, "rivvend")
	if err != nil {
		t.Fatal(err)
	}
	b := &Broker{t: t, bin: bin, Addr: freeAddr(t), APIAddr: freeAddr(t), DataDir: t.TempDir()}
	vars := map[string]string{
		"RIVVEN_MODE":               "standalone",
		"RIVVEN_BIND":               b.Addr,
		"RIVVEN_API_BIND":           b.APIAddr,
		"RIVVEN_DATA_DIR":           b.DataDir,
		"RIVVEN_NO_REQUIRE_AUTH":    "true",
		"RIVVEN_REPLICATION_FACTOR": "1",
		"RIVVEN_MIN_ISR":            "1",
		"RUST_LOG":                  "info",
	}
	for k, v := range env {
		vars[k] = v
	}
	b.DataDir = vars["RIVVEN_DATA_DIR"]
	keys := make([]string, 0, len(vars))
	for k := range vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.env = append(b.env, k+"="+vars[k])
	}
	b.start()
	t.Cleanup(func() {
		b.Stop()
		if t.Failed() {
			t.Logf("rivvend output:\n%s", b.Log())
		}
	})
	return b
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func (b *Broker) start() {
	b.t.Helper()
	cmd := exec.Command(b.bin)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.DataDir}, b.env...)
	cmd.Dir = b.DataDir
	cmd.Stdout, cmd.Stderr = &b.out, &b.out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		b.t.Fatalf("rivvend: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	b.mu.Lock()
	b.cmd, b.done = cmd, done
	b.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", b.Addr)
		if err == nil {
			c.Close()
			return
		}
		select {
		case <-done:
			b.t.Fatalf("rivvend exited before listening on %s:\n%s", b.Addr, b.out.String())
		case <-ctx.Done():
			b.t.Fatalf("rivvend does not listen on %s within 30s:\n%s", b.Addr, b.out.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Stop kills the broker (SIGKILL: nothing it holds in memory survives) and
// waits for it to exit. It may be called more than once.
func (b *Broker) Stop() {
	b.mu.Lock()
	cmd, done := b.cmd, b.done
	b.cmd = nil
	b.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	<-done
}

// Restart stops the broker and starts it again on the same ports and data
// directory, as a restarted pod.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	b.start()
}

// Log is what the broker printed so far, across restarts.
func (b *Broker) Log() string { return b.out.String() }

// CLI runs the real rivven CLI of version against the broker and returns its
// output: the independent client that checks what our code did.
func (b *Broker) CLI(ctx context.Context, version string, args ...string) (string, error) {
	bin, err := Binary(version, "rivven")
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--server", b.Addr)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("rivven %v: %w: %s", args, err, out)
	}
	return string(out), nil
}

// syncBuffer is a bytes.Buffer safe for the process's two output streams
// and a reading test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// TopicConfigs reads the topic's configs (every key, defaults included)
// through rivven-client, the Rust client of Rivven's authors, with the
// rivven-topic-configs checker make rivven builds: the rivven CLI of 0.0.22
// has no command for them.
func (b *Broker) TopicConfigs(ctx context.Context, version, topic string) (map[string]string, error) {
	bin, err := Binary(version, "rivven-topic-configs")
	if err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, bin, b.Addr, topic).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("rivven-topic-configs %s: %w: %s", topic, err, ee.Stderr)
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
