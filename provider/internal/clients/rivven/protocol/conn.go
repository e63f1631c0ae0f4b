package protocol

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DialOptions configure a Conn.
type DialOptions struct {
	// ClientID is sent in the Handshake; default "provider-rivven".
	ClientID string
	// TLS, when set, wraps the connection. The 0.0.22 release broker serves
	// only plaintext on its client port, so nil is the usual value.
	TLS *tls.Config
	// SCRAM, when set, logs in with SCRAM-SHA-256 after the handshake.
	SCRAM *Credentials
	// Timeout bounds the dial and each request whose context has no
	// deadline; default 15s.
	Timeout time.Duration
}

// Credentials of a SCRAM-SHA-256 login.
type Credentials struct{ Username, Password string }

const (
	defaultClientID = "provider-rivven"
	defaultTimeout  = 15 * time.Second
	// maxInFlight bounds how many pipelined requests are written ahead of
	// their replies.
	maxInFlight = 128
	ioBufSize   = 64 << 10
)

// ErrClosed is returned by calls on a Conn after Close.
var ErrClosed = errors.New("rivven: connection closed")

// Conn is one client connection to a broker's client port. The broker
// answers the requests of one connection strictly in order, so a Conn sends
// one request (Do) or one batch (Pipeline) at a time; concurrent calls wait
// for each other. Any transport or protocol failure (an I/O error, a timeout,
// a reply that cannot be decoded or carries another correlation id) leaves
// the stream in an unknown state: the Conn closes itself and every later call
// fails with that first error. Dial a new one.
type Conn struct {
	addr    string
	nc      net.Conn
	r       *bufio.Reader
	w       *bufio.Writer
	timeout time.Duration

	mu     sync.Mutex // serializes round trips
	corr   uint32     // the last correlation id used
	broken error      // the failure that ended the connection

	closed    atomic.Bool
	closeOnce sync.Once
	closeErr  error

	handshake *HandshakeResult
}

// Dial connects to addr (host:port), sends Handshake{ProtocolVersion,
// ClientID} and, when o.SCRAM is set, logs in. An Error reply to the
// handshake is accepted: a broker with authentication on answers every
// handshake so. Only a HandshakeResult that says the versions are
// incompatible fails the dial.
func Dial(ctx context.Context, addr string, o DialOptions) (*Conn, error) {
	if o.ClientID == "" {
		o.ClientID = defaultClientID
	}
	if o.Timeout <= 0 {
		o.Timeout = defaultTimeout
	}
	dctx := ctx
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		dctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	var d net.Dialer
	nc, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("rivven: dialing %s: %w", addr, err)
	}
	if o.TLS != nil {
		cfg := o.TLS.Clone()
		if cfg.ServerName == "" {
			if host, _, err := net.SplitHostPort(addr); err == nil {
				cfg.ServerName = host
			}
		}
		tc := tls.Client(nc, cfg)
		if err := tc.HandshakeContext(dctx); err != nil {
			_ = nc.Close()
			return nil, fmt.Errorf("rivven: TLS handshake with %s: %w", addr, err)
		}
		nc = tc
	}
	c := &Conn{
		addr:    addr,
		nc:      nc,
		r:       bufio.NewReaderSize(nc, ioBufSize),
		w:       bufio.NewWriterSize(nc, ioBufSize),
		timeout: o.Timeout,
	}
	if err := c.hello(ctx, o.ClientID); err != nil {
		_ = c.Close()
		return nil, err
	}
	if o.SCRAM != nil {
		if err := c.login(ctx, *o.SCRAM); err != nil {
			_ = c.Close()
			return nil, err
		}
	}
	return c, nil
}

// hello sends the Handshake and judges its reply. Like rivven-client, it
// fails only on a HandshakeResult that says the versions are incompatible:
// an auth-on broker answers every handshake with an Error
// (AUTHENTICATION_REQUIRED before login), and any other reply means a broker
// without version checks.
func (c *Conn) hello(ctx context.Context, clientID string) error {
	resp, err := c.roundTrip(ctx, Handshake{ProtocolVersion: ProtocolVersion, ClientID: clientID})
	if err != nil {
		return err
	}
	if r, ok := resp.(*HandshakeResult); ok {
		if !r.Compatible {
			return fmt.Errorf("rivven: broker at %s (protocol version %d) refuses client protocol version %d: %s",
				c.addr, r.ServerVersion, ProtocolVersion, r.Message)
		}
		c.handshake = r
	}
	return nil
}

// Handshake is the broker's HandshakeResult, or nil when it answered the
// handshake with an Error (as every broker with authentication on does).
func (c *Conn) Handshake() *HandshakeResult { return c.handshake }

// Addr is the address the Conn was dialled with.
func (c *Conn) Addr() string { return c.addr }

// Do sends r and returns its reply. A broker's Error or Throttled reply is
// returned as the error (*ErrorResponse, *Throttled; use errors.As) with a
// nil Response; the Conn stays usable after them.
func (c *Conn) Do(ctx context.Context, r Request) (Response, error) {
	resp, err := c.roundTrip(ctx, r)
	if err != nil {
		return nil, err
	}
	switch e := resp.(type) {
	case *ErrorResponse:
		return nil, e
	case *Throttled:
		return nil, e
	}
	return resp, nil
}

// roundTrip sends one request and reads its reply, whatever variant it is.
func (c *Conn) roundTrip(ctx context.Context, r Request) (Response, error) {
	payload, err := MarshalRequest(r)
	if err != nil {
		return nil, fmt.Errorf("rivven: %w", err)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(ctx, RequestName(r)); err != nil {
		return nil, err
	}
	defer c.arm(ctx)()
	corr := c.nextCorr()
	if err := WriteFrame(c.w, corr, payload); err != nil {
		return nil, c.fail(c.ioError(ctx, "sending "+RequestName(r), err))
	}
	if err := c.w.Flush(); err != nil {
		return nil, c.fail(c.ioError(ctx, "sending "+RequestName(r), err))
	}
	return c.readReply(ctx, corr, RequestName(r))
}

// Pipeline writes every request of rs and reads their replies, which the
// broker sends in request order. A separate goroutine writes while this one
// reads, at most maxInFlight requests ahead of their replies, so a large
// batch cannot deadlock on full socket buffers.
//
// A broker's Error or Throttled reply is an element of the result
// (*ErrorResponse, *Throttled) like any other reply; the error is only for
// transport and protocol failures, after which the Conn is unusable and the
// result holds the replies read before the failure. Without a context
// deadline, the Timeout applies to each reply in turn.
func (c *Conn) Pipeline(ctx context.Context, rs []Request) ([]Response, error) {
	payloads := make([][]byte, len(rs))
	for i, r := range rs {
		p, err := MarshalRequest(r)
		if err != nil {
			return nil, fmt.Errorf("rivven: request %d: %w", i, err)
		}
		payloads[i] = p
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usable(ctx, "pipeline"); err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, nil
	}
	defer c.arm(ctx)()
	_, hasDeadline := ctx.Deadline()

	corrs := make([]uint32, len(rs))
	for i := range corrs {
		corrs[i] = c.nextCorr()
	}
	p := &pipeline{
		c: c, ctx: ctx, rs: rs, corrs: corrs, payloads: payloads,
		slots: make(chan struct{}, maxInFlight),
		stop:  make(chan struct{}),
		done:  make(chan error, 1),
	}
	go func() { p.done <- p.write() }()

	out := make([]Response, 0, len(rs))
	var err error
	for i := range rs {
		var resp Response
		if resp, err = c.readReply(ctx, corrs[i], RequestName(rs[i])); err != nil {
			break
		}
		<-p.slots
		out = append(out, resp)
		if !hasDeadline {
			_ = c.nc.SetDeadline(time.Now().Add(c.timeout))
		}
		if p.failed.Load() {
			// The writer failed after its interruption of this read loop
			// may have been undone by the deadline just set.
			_ = c.nc.SetReadDeadline(time.Unix(1, 0))
		}
	}
	close(p.stop)
	if werr := <-p.done; werr != nil {
		// The writer failed first; the read error is only its echo.
		c.broken = nil
		err = c.fail(werr)
	}
	return out, err
}

// pipeline is the state Pipeline shares with its writer goroutine.
type pipeline struct {
	c        *Conn
	ctx      context.Context
	rs       []Request
	corrs    []uint32
	payloads [][]byte
	slots    chan struct{} // one per request written but not yet answered
	stop     chan struct{} // closed when the reader is done
	done     chan error    // the writer's result
	failed   atomic.Bool   // the writer failed
}

// write sends every request, flushing whenever it would wait for a slot and
// at the end, so the broker always has every request written so far. A
// write error caused by the reader closing the connection is the reader's
// to report; any other interrupts the reader and is returned.
func (p *pipeline) write() error {
	c := p.c
	fail := func(what string, err error) error {
		if c.closed.Load() {
			return nil
		}
		p.failed.Store(true)
		_ = c.nc.SetReadDeadline(time.Unix(1, 0))
		return c.ioError(p.ctx, what, err)
	}
	for i, payload := range p.payloads {
		select {
		case p.slots <- struct{}{}:
		default:
			if err := c.w.Flush(); err != nil {
				return fail("sending "+RequestName(p.rs[i]), err)
			}
			select {
			case p.slots <- struct{}{}:
			case <-p.stop:
				return nil
			}
		}
		if err := WriteFrame(c.w, p.corrs[i], payload); err != nil {
			return fail("sending "+RequestName(p.rs[i]), err)
		}
	}
	if err := c.w.Flush(); err != nil {
		return fail("sending requests", err)
	}
	return nil
}

// readReply reads one frame and checks it answers request corr.
func (c *Conn) readReply(ctx context.Context, corr uint32, what string) (Response, error) {
	got, payload, err := ReadFrame(c.r, MaxFrameSize)
	if err != nil {
		return nil, c.fail(c.ioError(ctx, "reading the reply to "+what, err))
	}
	resp, derr := UnmarshalResponse(payload)
	if got != corr {
		// The broker answers a frame it cannot parse under id 0, and
		// anything else means the stream is out of step.
		var reason error = errors.New("out of step")
		if e, ok := resp.(*ErrorResponse); ok && derr == nil {
			reason = e
		}
		return nil, c.fail(fmt.Errorf("rivven: reply to %s has correlation id %d, want %d: %w", what, got, corr, reason))
	}
	if derr != nil {
		return nil, c.fail(fmt.Errorf("rivven: reply to %s: %w", what, derr))
	}
	return resp, nil
}

// nextCorr returns the next correlation id: 1, 2, ..., never 0, which the
// broker uses for replies to frames it could not parse.
func (c *Conn) nextCorr() uint32 {
	c.corr++
	if c.corr == 0 {
		c.corr = 1
	}
	return c.corr
}

// usable reports why what may not be sent now: the failure that ended the
// connection, Close, or a context already done. Callers hold c.mu.
func (c *Conn) usable(ctx context.Context, what string) error {
	switch {
	case c.broken != nil:
		return c.broken
	case c.closed.Load():
		return ErrClosed
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("rivven: %s not sent: %w", what, err)
	}
	return nil
}

// arm sets the socket deadline for one call: the context's deadline, or
// the Timeout from now. Cancelling the context interrupts blocked I/O. The
// returned function disarms that hook and waits for it if it already fired,
// so it cannot cut short the next call.
func (c *Conn) arm(ctx context.Context) func() {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(c.timeout)
	}
	_ = c.nc.SetDeadline(deadline)
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = c.nc.SetDeadline(time.Unix(1, 0))
		close(fired)
	})
	return func() {
		if !stop() {
			<-fired
		}
	}
}

// ioError describes a failed read or write, naming the context's error
// when the context is what stopped it.
func (c *Conn) ioError(ctx context.Context, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("rivven: %s on %s: %w", what, c.addr, cerr)
	}
	if c.closed.Load() {
		return fmt.Errorf("rivven: %s on %s: %w", what, c.addr, ErrClosed)
	}
	return fmt.Errorf("rivven: %s on %s: %w", what, c.addr, err)
}

// fail records err as the end of the connection and closes it. Callers
// hold c.mu.
func (c *Conn) fail(err error) error {
	if c.broken == nil {
		c.broken = fmt.Errorf("rivven: connection to %s is unusable after an earlier failure: %w", c.addr, err)
	}
	_ = c.Close()
	return err
}

// Close closes the connection; a call in progress fails. It is safe to call
// more than once and concurrently with other calls.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		c.closed.Store(true)
		c.closeErr = c.nc.Close()
	})
	return c.closeErr
}
