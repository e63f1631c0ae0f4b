package podrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// envOuterNetns holds the number of a file descriptor, inherited across the
// re-execution, of the network namespace the program started in.
const envOuterNetns = "PODRUN_OUTER_NETNS_FD"

// ListenOutside listens on addr in the network namespace the program
// started in (before ReexecInPrivateNetwork moved it), so that a user's
// tools outside reach a service of the private namespace through Forward,
// as kubectl port-forward reaches a pod. Only one OS thread enters the outer
// namespace, for the duration of the listen call.
func ListenOutside(addr string) (net.Listener, error) {
	fd, err := strconv.Atoi(os.Getenv(envOuterNetns))
	if err != nil {
		return nil, errors.New("podrun: no outer network namespace: the program was not moved by ReexecInPrivateNetwork")
	}
	runtime.LockOSThread()
	self, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		runtime.UnlockOSThread()
		return nil, err
	}
	defer unix.Close(self)
	if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("podrun: enter the outer network namespace: %w", err)
	}
	l, lerr := net.Listen("tcp", addr)
	if err := unix.Setns(self, unix.CLONE_NEWNET); err != nil {
		// The thread stays locked, so the runtime ends it with the
		// goroutine instead of reusing it in the wrong namespace.
		if l != nil {
			_ = l.Close()
		}
		return nil, fmt.Errorf("podrun: return to the private network namespace: %w", err)
	}
	runtime.UnlockOSThread()
	return l, lerr
}

// Forward accepts connections on l until ctx ends and relays each to the
// address target returns at that moment (which may follow a pod that was
// replaced), dialled from the private namespace.
func Forward(ctx context.Context, l net.Listener, target func(context.Context) (string, error)) {
	go func() { <-ctx.Done(); _ = l.Close() }()
	for {
		in, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer in.Close()
			addr, err := target(ctx)
			if err != nil {
				return
			}
			out, err := (&net.Dialer{Timeout: 5 * time.Second}).DialContext(ctx, "tcp", addr)
			if err != nil {
				return
			}
			defer out.Close()
			var wg sync.WaitGroup
			wg.Add(2)
			relay := func(dst, src net.Conn) {
				defer wg.Done()
				_, _ = io.Copy(dst, src)
				if c, ok := dst.(interface{ CloseWrite() error }); ok {
					_ = c.CloseWrite()
				}
			}
			go relay(out, in)
			go relay(in, out)
			wg.Wait()
		}()
	}
}

// OutsideCommand is a command that runs in the network namespace the
// program started in, as a user's shell would run it.
func OutsideCommand(ctx context.Context, name string, args ...string) (*exec.Cmd, error) {
	fd, err := strconv.Atoi(os.Getenv(envOuterNetns))
	if err != nil {
		return nil, errors.New("podrun: no outer network namespace: the program was not moved by ReexecInPrivateNetwork")
	}
	ns := fmt.Sprintf("--net=/proc/%d/fd/%d", os.Getpid(), fd)
	return exec.CommandContext(ctx, "nsenter", append([]string{ns, "--", name}, args...)...), nil
}
