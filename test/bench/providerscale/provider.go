package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// provider is the provider binary running as its own process, so that its
// CPU time and memory are its own and not the benchmark's or kfake's.
type provider struct {
	cmd     *exec.Cmd
	metrics string // URL of its Prometheus endpoint
	log     string
	done    chan struct{}
}

func startProvider(bin, kubeconfig, namespace, logPath string, poll time.Duration, rate int, memLimit string) (*provider, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin,
		"--poll="+poll.String(),
		"--max-reconcile-rate="+strconv.Itoa(rate),
		"--no-leader-election",
		"--namespace="+namespace,
		"--metrics-addr="+addr,
		"--health-addr=0",
	)
	// GOMEMLIMIT, if any, is the provider's alone: the benchmark, etcd and
	// kube-apiserver are Go programs too and would read it from a shared
	// environment.
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	if memLimit != "" {
		cmd.Env = append(cmd.Env, "GOMEMLIMIT="+memLimit)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("cannot start %s: %w", bin, err)
	}
	p := &provider{cmd: cmd, metrics: "http://" + addr + "/metrics", log: logPath, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = logf.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports an early exit, with the end of the provider's log.
func (p *provider) exited() error {
	select {
	case <-p.done:
		return fmt.Errorf("provider exited (%v); log %s:\n%s", p.cmd.ProcessState, p.log, tail(p.log, 20))
	default:
		return nil
	}
}

// cpu is the provider's user plus system CPU time so far, from /proc.
func (p *provider) cpu() (time.Duration, error) {
	raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.cmd.Process.Pid), "stat"))
	if err != nil {
		return 0, err
	}
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 of the whole line, in clock ticks (100 per second
	// on Linux).
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0, fmt.Errorf("unexpected /proc stat: %q", s)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unexpected /proc stat: %q", s)
	}
	return time.Duration(ut+st) * (time.Second / 100), nil
}

// procStatusKiB reads a memory line of /proc/<pid>/status in KiB, for
// example VmRSS or VmHWM (the peak resident set of the process's own
// address space since it was exec'd).
func procStatusKiB(pid int, field string) (int64, error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(pid), "status"))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			return strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return 0, fmt.Errorf("no %s in /proc/%d/status", field, pid)
}

// peakRSSKiB is the provider's peak resident set as the kernel accounts it
// for that process alone: VmHWM, read while it still runs. The rusage of
// the exited child (ru_maxrss) is no measure of it: os/exec starts children
// with vfork, so the child's figure is at least what the benchmark process
// was resident at the moment it started the child.
func (p *provider) peakRSSKiB() (int64, error) { return procStatusKiB(p.cmd.Process.Pid, "VmHWM") }

// heapInuseBytes is the provider's go_memstats_heap_inuse_bytes: the heap
// spans in use, live objects and garbage not yet collected.
func (p *provider) heapInuseBytes(ctx context.Context) (int64, error) {
	v, err := p.metric(ctx, "go_memstats_heap_inuse_bytes")
	return int64(v), err
}

// metric reads one unlabelled sample of the provider's /metrics.
func (p *provider) metric(ctx context.Context, name string) (float64, error) {
	var v float64
	found := false
	err := p.scanMetrics(ctx, func(l string) (bool, error) {
		s, ok := strings.CutPrefix(l, name+" ")
		if !ok {
			return true, nil
		}
		var err error
		v, err = strconv.ParseFloat(s, 64)
		found = true
		return false, err
	})
	if err == nil && !found {
		err = fmt.Errorf("no metric %s", name)
	}
	return v, err
}

// scanMetrics reads the provider's /metrics line by line while fn returns
// true.
func (p *provider) scanMetrics(ctx context.Context, fn func(line string) (bool, error)) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.metrics, nil)
	if err != nil {
		return err
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer rsp.Body.Close()
	sc := bufio.NewScanner(rsp.Body)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		more, err := fn(sc.Text())
		if err != nil || !more {
			return err
		}
	}
	return sc.Err()
}

// reconciles sums the RivvenTopic controller's reconcile counter.
func (p *provider) reconciles(ctx context.Context) (int64, error) {
	var total int64
	err := p.scanMetrics(ctx, func(l string) (bool, error) {
		if !strings.HasPrefix(l, "controller_runtime_reconcile_total{") || !strings.Contains(l, `controller="managed/rivventopic`) {
			return true, nil
		}
		v, err := strconv.ParseFloat(l[strings.LastIndexByte(l, ' ')+1:], 64)
		if err != nil {
			return false, fmt.Errorf("metrics line %q: %w", l, err)
		}
		total += int64(v)
		return true, nil
	})
	return total, err
}

// stop terminates the provider and returns its CPU time (getrusage of the
// exited child) and its peak resident set (VmHWM, read just before it is
// asked to stop, so shutdown is not counted).
func (p *provider) stop() (cpu time.Duration, peakRSSKiB int64, err error) {
	peakRSSKiB, err = p.peakRSSKiB()
	if err != nil {
		return 0, 0, fmt.Errorf("provider peak RSS: %w", err)
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0, 0, fmt.Errorf("no resource usage for the provider process")
	}
	cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return cpu, peakRSSKiB, nil
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

func tail(path string, lines int) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	ls := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(ls) > lines {
		ls = ls[len(ls)-lines:]
	}
	return strings.Join(ls, "\n")
}
