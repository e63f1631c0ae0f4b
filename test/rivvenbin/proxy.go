package rivvenbin

import (
	"encoding/binary"
	"io"
	"net"
	"sync"
	"testing"
)

// CountingProxy forwards loopback connections to a broker and counts the
// request frames clients send, by the request's variant index (the first
// payload byte, PROTOCOL.md §2.2): what the broker is asked, counted outside
// the client that asks.
type CountingProxy struct {
	Addr string

	mu     sync.Mutex
	counts map[byte]int
	conns  int
}

// NewCountingProxy listens on a free loopback port until the test ends.
func NewCountingProxy(t testing.TB, target string) *CountingProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &CountingProxy{Addr: l.Addr().String(), counts: map[byte]int{}}
	var wg sync.WaitGroup
	var open sync.Map
	t.Cleanup(func() {
		l.Close()
		open.Range(func(k, _ any) bool { k.(net.Conn).Close(); return true })
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns++
			p.mu.Unlock()
			open.Store(c, true)
			open.Store(up, true)
			wg.Add(2)
			go func() { defer wg.Done(); p.requests(c, up); up.Close() }()
			go func() { defer wg.Done(); _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

// requests copies frames from the client to the broker, counting them.
func (p *CountingProxy) requests(from, to net.Conn) {
	var head [4]byte // the length prefix
	for {
		if _, err := io.ReadFull(from, head[:4]); err != nil {
			return
		}
		n := binary.BigEndian.Uint32(head[:4])
		body := make([]byte, n)
		if _, err := io.ReadFull(from, body); err != nil {
			return
		}
		if n > 5 {
			p.mu.Lock()
			p.counts[body[5]]++
			p.mu.Unlock()
		}
		if _, err := to.Write(append(head[:4:4], body...)); err != nil {
			return
		}
	}
}

// Counts returns the requests seen since the last Reset, by variant index,
// and the connections opened.
func (p *CountingProxy) Counts() (map[byte]int, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[byte]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out, p.conns
}

// Reset forgets the counts.
func (p *CountingProxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	clear(p.counts)
	p.conns = 0
}
