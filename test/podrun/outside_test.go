package podrun

import (
	"context"
	"io"
	"net"
	"os"
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// TestListenOutside: a listener made with ListenOutside is in the namespace
// the test binary started in, not in its private one, and Forward relays
// what arrives there to a server of the private namespace.
func TestListenOutside(t *testing.T) {
	inside, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer inside.Close()
	go func() {
		for {
			c, err := inside.Accept()
			if err != nil {
				return
			}
			_, _ = io.WriteString(c, "from the private namespace")
			_ = c.Close()
		}
	}()
	l, err := ListenOutside("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go Forward(ctx, l, func(context.Context) (string, error) { return inside.Addr().String(), nil })

	// From the private namespace the outside address is not served.
	if c, err := net.Dial("tcp", l.Addr().String()); err == nil {
		_ = c.Close()
		t.Fatalf("%s answers inside the private namespace: the listener is not outside", l.Addr())
	}
	got := dialOutside(t, l.Addr().String())
	if got != "from the private namespace" {
		t.Errorf("read %q through the forward", got)
	}
}

// dialOutside reads what addr sends, dialled from the outer namespace.
func dialOutside(t *testing.T, addr string) string {
	t.Helper()
	fd, err := strconv.Atoi(os.Getenv(envOuterNetns))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan string)
	go func() {
		// This thread never returns to the private namespace: it stays
		// locked and ends with the goroutine.
		runtime.LockOSThread()
		if err := unix.Setns(fd, unix.CLONE_NEWNET); err != nil {
			done <- "setns: " + err.Error()
			return
		}
		c, err := net.Dial("tcp", addr)
		if err != nil {
			done <- "dial: " + err.Error()
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		done <- string(b)
	}()
	return <-done
}
