package podrun

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
)

// runProbe runs one probe of container c: exec in the container itself,
// HTTP and TCP against the pod's address.
func (p *Pod) runProbe(ctx context.Context, probe *corev1.Probe, c *containerState) error {
	if probe.Exec != nil {
		return p.execProbe(ctx, probe, c)
	}
	return Probe(ctx, probe, c.spec, p.sb.IP)
}

// execProbe runs an exec probe as the kubelet does: the command inside the
// container (its environment, mounts, user and network namespace) with
// command[0] standing for the image's binary, as everywhere in podrun (our
// images hold nothing else). It succeeds on exit code 0 within the probe's
// timeout; the error carries the exit and the end of the output, as the
// kubelet's probe event does.
func (p *Pod) execProbe(ctx context.Context, probe *corev1.Probe, c *containerState) error {
	if len(probe.Exec.Command) == 0 {
		return errors.New("exec probe without a command")
	}
	// The command resolves names with the container's own /etc/hosts, the
	// one it started with, as a command exec'd into the container would.
	run := &containerState{spec: *c.spec.DeepCopy(), hostsFile: hostsPath(p.cfg.Dir, c.spec.Name)}
	run.spec.Command = probe.Exec.Command
	run.spec.Args = nil
	cmd, err := p.command(run)
	if err != nil {
		return err
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	timeout := time.Duration(max(probe.TimeoutSeconds, 1)) * time.Second
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-ctx.Done():
		_ = cmd.Process.Signal(syscall.SIGKILL)
		<-done
		return fmt.Errorf("command timed out after %s", timeout)
	}
	if err != nil {
		return fmt.Errorf("command %q exited with %v: %s", strings.Join(probe.Exec.Command, " "), err, tailOf(out.String(), 512))
	}
	return nil
}

func tailOf(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
