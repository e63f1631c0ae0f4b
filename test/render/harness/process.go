package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// BuildFunctions compiles the functions' main packages into dir with the go
// tool, run from the repository root.
func BuildFunctions(ctx context.Context, root, dir string, fns []Function) error {
	if len(fns) == 0 {
		return nil
	}
	args := []string{"build", "-o", dir + string(filepath.Separator)}
	for _, f := range fns {
		args = append(args, f.Package)
	}
	cmd := exec.CommandContext(ctx, goTool(), args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %w\n%s", args, err, out)
	}
	return nil
}

func goTool() string {
	if p, err := exec.LookPath("go"); err == nil {
		return p
	}
	return filepath.Join(os.Getenv("GOROOT"), "bin", "go")
}

// FreePort returns a loopback port nobody listens on right now.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close() //nolint:errcheck // Only the port number is wanted.
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Running is a function process serving on loopback.
type Running struct {
	Function Function
	Port     int

	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
	err  error
}

// Output is what the process wrote to stdout and stderr so far.
func (r *Running) Output() string { return r.out.String() }

// StartFunction runs the function binary in binDir with --insecure on
// 127.0.0.1:port and returns once it accepts connections. The port must be
// free: a function of someone else's answering on it would make the
// renderer's output a lie.
func StartFunction(ctx context.Context, binDir string, f Function, port int, timeout time.Duration) (*Running, error) {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if l, err := net.Listen("tcp", addr); err != nil {
		return nil, fmt.Errorf("%s: port %d is in use; stop whatever listens there: %w", f.Name, port, err)
	} else if err := l.Close(); err != nil {
		return nil, err
	}
	bin := filepath.Join(binDir, f.Binary())
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s: no binary: %w", f.Name, err)
	}
	args := append([]string{"--insecure", "--address=" + addr}, f.Args...)
	r := &Running{Function: f, Port: port, out: &syncBuffer{}, done: make(chan struct{})}
	r.cmd = exec.Command(bin, args...) //nolint:gosec // Our own freshly built binary.
	r.cmd.Stdout, r.cmd.Stderr = r.out, r.out
	// Its own process group, and SIGTERM if we die first, so a killed harness
	// leaves no function behind holding the port.
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := r.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: %w", f.Name, err)
	}
	go func() { r.err = r.cmd.Wait(); close(r.done) }()

	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		c, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", addr)
		if err == nil {
			_ = c.Close()
			return r, nil
		}
		select {
		case <-r.done:
			return nil, fmt.Errorf("%s exited before listening on %s (%v):\n%s", f.Name, addr, r.err, r.Output())
		case <-deadline.C:
			r.Stop()
			return nil, fmt.Errorf("%s did not listen on %s within %s:\n%s", f.Name, addr, timeout, r.Output())
		case <-ctx.Done():
			r.Stop()
			return nil, ctx.Err()
		case <-tick.C:
		}
	}
}

// Stop terminates the function: SIGTERM, then SIGKILL after five seconds.
// It is safe to call more than once.
func (r *Running) Stop() {
	select {
	case <-r.done:
		return
	default:
	}
	_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-r.cmd.Process.Pid, syscall.SIGKILL)
		<-r.done
	}
}

// StopAll stops every running function.
func StopAll(rs []*Running) {
	for _, r := range rs {
		r.Stop()
	}
}

// Exited reports an error when a function died while it should be serving.
func Exited(rs []*Running) error {
	var errs []error
	for _, r := range rs {
		select {
		case <-r.done:
			errs = append(errs, fmt.Errorf("%s exited (%v):\n%s", r.Function.Name, r.err, r.Output()))
		default:
		}
	}
	return errors.Join(errs...)
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
