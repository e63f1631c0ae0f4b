package protocol

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeBroker is an in-process server for the Conn's edge cases. Each test
// scripts one connection's conversation in serve; the real broker's
// behaviour is proven in broker_test.go.
type fakeBroker struct {
	t    *testing.T
	addr string
}

// peer is the broker's side of one connection.
type peer struct {
	t  *testing.T
	nc net.Conn
	r  *bufio.Reader
}

func startFake(t *testing.T, serve func(p *peer)) *fakeBroker {
	t.Helper()
	return startFakeOn(t, nil, serve)
}

// startFakeOn serves TLS when cfg is set.
func startFakeOn(t *testing.T, cfg *tls.Config, serve func(p *peer)) *fakeBroker {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if cfg != nil {
		ln = tls.NewListener(ln, cfg)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer nc.Close()
				_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
				serve(&peer{t: t, nc: nc, r: bufio.NewReader(nc)})
			}()
		}
	}()
	return &fakeBroker{t: t, addr: ln.Addr().String()}
}

// read returns the next request, or nil at the end of the connection.
func (p *peer) read() (uint32, Request) {
	corr, payload, err := ReadFrame(p.r, MaxFrameSize)
	if err != nil {
		return 0, nil
	}
	r, err := UnmarshalRequest(payload)
	if err != nil {
		p.t.Errorf("fake broker: %v", err)
		return 0, nil
	}
	return corr, r
}

func (p *peer) reply(corr uint32, r Response) {
	payload, err := MarshalResponse(r)
	if err != nil {
		p.t.Errorf("fake broker: %v", err)
		return
	}
	_ = WriteFrame(p.nc, corr, payload)
}

// handshake answers the Handshake every Dial starts with.
func (p *peer) handshake(r Response) {
	corr, req := p.read()
	if req == nil {
		return // the client hung up, e.g. after a failed TLS handshake
	}
	if _, ok := req.(*Handshake); !ok {
		p.t.Errorf("fake broker: first request is %T, want *Handshake", req)
		return
	}
	p.reply(corr, r)
}

// echo answers every request in order like rivvend without auth: Ping with
// Pong, CreateTopic with TopicCreated, a topic named "bad" with an Error.
func (p *peer) echo() {
	for {
		corr, req := p.read()
		switch r := req.(type) {
		case nil:
			return
		case *Ping:
			p.reply(corr, Pong{})
		case *CreateTopic:
			if r.Name == "bad" {
				p.reply(corr, ErrorResponse{Message: "INVALID_TOPIC_NAME: bad"})
				continue
			}
			p.reply(corr, TopicCreated{Name: r.Name, Partitions: 3})
		case *GetMetadata:
			p.reply(corr, Throttled{ThrottleTimeMs: 10, QuotaType: "request_rate", Entity: "x"})
		default:
			p.reply(corr, ErrorResponse{Message: fmt.Sprintf("fake broker: %T", req)})
		}
	}
}

var okHandshake = HandshakeResult{ServerVersion: 2, Compatible: true, Message: "OK"}

func dial(t *testing.T, addr string, o DialOptions) *Conn {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	c, err := Dial(context.Background(), addr, o)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

func TestDialHandshakeAndCorrelationIDs(t *testing.T) {
	var mu sync.Mutex
	var corrs []uint32
	var hello *Handshake
	b := startFake(t, func(p *peer) {
		for {
			corr, req := p.read()
			if req == nil {
				return
			}
			mu.Lock()
			corrs = append(corrs, corr)
			if h, ok := req.(*Handshake); ok {
				hello = h
			}
			mu.Unlock()
			if _, ok := req.(*Handshake); ok {
				p.reply(corr, okHandshake)
				continue
			}
			p.reply(corr, Pong{})
		}
	})
	c := dial(t, b.addr, DialOptions{})
	if diff := cmp.Diff(&okHandshake, c.Handshake()); diff != "" {
		t.Errorf("Handshake() (-want +got):\n%s", diff)
	}
	for range 2 {
		resp, err := c.Do(context.Background(), Ping{})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := resp.(*Pong); !ok {
			t.Fatalf("Ping answered with %T", resp)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if diff := cmp.Diff(&Handshake{ProtocolVersion: 2, ClientID: "provider-rivven"}, hello); diff != "" {
		t.Errorf("handshake sent (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]uint32{1, 2, 3}, corrs); diff != "" {
		t.Errorf("correlation ids (-want +got):\n%s", diff)
	}
}

func TestDialAcceptsErrorReplyToHandshake(t *testing.T) {
	b := startFake(t, func(p *peer) {
		p.handshake(ErrorResponse{Message: "AUTHENTICATION_REQUIRED: Please authenticate first"})
		p.echo()
	})
	c := dial(t, b.addr, DialOptions{ClientID: "me"})
	if c.Handshake() != nil {
		t.Errorf("Handshake() = %v, want nil after an Error reply", c.Handshake())
	}
	if _, err := c.Do(context.Background(), Ping{}); err != nil {
		t.Errorf("Ping after an Error reply to Handshake: %v", err)
	}
}

func TestDialFailsOnIncompatibleHandshake(t *testing.T) {
	b := startFake(t, func(p *peer) {
		p.handshake(HandshakeResult{ServerVersion: 3, Message: "Version mismatch: client=2, server=3"})
	})
	_, err := Dial(context.Background(), b.addr, DialOptions{Timeout: 5 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "Version mismatch: client=2, server=3") {
		t.Fatalf("Dial: %v, want the broker's version mismatch", err)
	}
}

func TestDialTimesOutOnSilentBroker(t *testing.T) {
	b := startFake(t, func(p *peer) { p.read(); p.read() }) // never answers
	start := time.Now()
	_, err := Dial(context.Background(), b.addr, DialOptions{Timeout: 200 * time.Millisecond})
	if err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("Dial: %v, want a timeout", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("Dial took %v with a 200ms timeout", d)
	}
}

func TestDoReturnsBrokerErrorsAndStaysUsable(t *testing.T) {
	b := startFake(t, func(p *peer) { p.handshake(okHandshake); p.echo() })
	c := dial(t, b.addr, DialOptions{})
	ctx := context.Background()

	_, err := c.Do(ctx, CreateTopic{Name: "bad"})
	var e *ErrorResponse
	if !errors.As(err, &e) || e.Message != "INVALID_TOPIC_NAME: bad" {
		t.Fatalf("CreateTopic bad: %v, want *ErrorResponse", err)
	}
	_, err = c.Do(ctx, GetMetadata{Topic: "x"})
	var th *Throttled
	if !errors.As(err, &th) || th.ThrottleTimeMs != 10 {
		t.Fatalf("GetMetadata: %v, want *Throttled", err)
	}
	// A request the encoder refuses is never sent and costs nothing.
	if _, err := c.Do(ctx, CreateTopic{Name: strings.Repeat("x", 300)}); err == nil {
		t.Fatal("a 300-byte name was sent")
	}
	resp, err := c.Do(ctx, CreateTopic{Name: "orders"})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&TopicCreated{Name: "orders", Partitions: 3}, resp); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOtherCorrelationIDPoisonsTheConn(t *testing.T) {
	var served sync.WaitGroup
	served.Add(1)
	requests := 0
	b := startFake(t, func(p *peer) {
		defer served.Done()
		p.handshake(okHandshake)
		for {
			_, req := p.read()
			if req == nil {
				return
			}
			requests++
			// What rivvend does with a frame it cannot parse.
			p.reply(0, ErrorResponse{Message: "INVALID_REQUEST: Serialization error: Hit the end of buffer"})
		}
	})
	c := dial(t, b.addr, DialOptions{})
	_, err := c.Do(context.Background(), Ping{})
	if err == nil || !strings.Contains(err.Error(), "correlation id 0, want 2") {
		t.Fatalf("Do: %v, want a correlation id mismatch", err)
	}
	var e *ErrorResponse
	if !errors.As(err, &e) || !strings.HasPrefix(e.Message, "INVALID_REQUEST") {
		t.Errorf("the broker's parse error is not in the chain: %v", err)
	}
	_, err = c.Do(context.Background(), Ping{})
	if err == nil || !strings.Contains(err.Error(), "unusable after an earlier failure") {
		t.Fatalf("second Do: %v, want the poisoned connection's error", err)
	}
	if _, err := c.Pipeline(context.Background(), []Request{Ping{}}); err == nil {
		t.Fatal("Pipeline on a poisoned connection succeeded")
	}
	served.Wait() // the Conn closed the socket
	if requests != 1 {
		t.Errorf("the broker saw %d requests, want 1", requests)
	}
}

func TestUndecodableReplyPoisonsTheConn(t *testing.T) {
	b := startFake(t, func(p *peer) {
		p.handshake(okHandshake)
		corr, _ := p.read()
		_ = WriteFrame(p.nc, corr, []byte{4, 0}) // Messages: not an admin reply
		p.echo()
	})
	c := dial(t, b.addr, DialOptions{})
	_, err := c.Do(context.Background(), Ping{})
	if err == nil || !strings.Contains(err.Error(), "unsupported response variant 4 (Messages)") {
		t.Fatalf("Do: %v", err)
	}
	if _, err := c.Do(context.Background(), Ping{}); err == nil {
		t.Fatal("the Conn is still usable")
	}
}

func TestPipelineKeepsOrderAndBoundsInFlight(t *testing.T) {
	const n = 1000
	var mu sync.Mutex
	var read, answered, maxAhead int
	b := startFake(t, func(p *peer) {
		p.handshake(okHandshake)
		// One goroutine reads as fast as the client writes; this one
		// answers in order like rivvend, slowly enough that the client's
		// window fills, so read-answered shows how far it writes ahead.
		type req struct {
			corr uint32
			r    Request
		}
		queue := make(chan req, 2*n)
		go func() {
			defer close(queue)
			for {
				corr, r := p.read()
				if r == nil {
					return
				}
				mu.Lock()
				read++
				maxAhead = max(maxAhead, read-answered)
				mu.Unlock()
				queue <- req{corr, r}
			}
		}()
		for q := range queue {
			mu.Lock()
			pause := answered%100 == 0
			mu.Unlock()
			if pause {
				time.Sleep(20 * time.Millisecond)
			}
			// Counted before the reply leaves, so the client cannot have
			// seen a reply this count misses.
			mu.Lock()
			n := answered
			answered++
			mu.Unlock()
			switch r := q.r.(type) {
			case *CreateTopic:
				if r.Name == "t7" {
					p.reply(q.corr, ErrorResponse{Message: "Topic 't7' already exists"})
				} else {
					p.reply(q.corr, TopicCreated{Name: r.Name, Partitions: uint32(n)})
				}
			default:
				p.reply(q.corr, Pong{})
			}
		}
	})
	c := dial(t, b.addr, DialOptions{})
	rs := make([]Request, n)
	for i := range rs {
		rs[i] = CreateTopic{Name: fmt.Sprintf("t%d", i)}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := c.Pipeline(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != n {
		t.Fatalf("%d replies, want %d", len(out), n)
	}
	for i, r := range out {
		if i == 7 {
			if e, ok := r.(*ErrorResponse); !ok || e.Message != "Topic 't7' already exists" {
				t.Errorf("reply 7 = %#v, want the Error in the slice", r)
			}
			continue
		}
		if tc, ok := r.(*TopicCreated); !ok || tc.Name != fmt.Sprintf("t%d", i) || tc.Partitions != uint32(i) {
			t.Errorf("reply %d = %#v", i, r)
		}
	}
	mu.Lock()
	ahead := maxAhead
	mu.Unlock()
	if ahead > maxInFlight || ahead < maxInFlight/2 {
		t.Errorf("the client wrote up to %d requests ahead of their replies, want about %d", ahead, maxInFlight)
	}
	// The Conn goes on with the next correlation id.
	if _, err := c.Do(ctx, Ping{}); err != nil {
		t.Errorf("Ping after the pipeline: %v", err)
	}
}

func TestPipelineOfLargeRepliesDoesNotDeadlock(t *testing.T) {
	const n = 3000
	big := strings.Repeat("x", 60<<10)
	b := startFake(t, func(p *peer) {
		p.handshake(okHandshake)
		for {
			corr, req := p.read()
			if req == nil {
				return
			}
			p.reply(corr, ErrorResponse{Message: big}) // a large reply per request
		}
	})
	c := dial(t, b.addr, DialOptions{})
	rs := make([]Request, n)
	for i := range rs {
		rs[i] = AlterTopicConfig{Topic: "t", Configs: []TopicConfigEntry{{Key: strings.Repeat("k", 200), Value: ptr(strings.Repeat("v", 2000))}}}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := c.Pipeline(ctx, rs)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != n {
		t.Fatalf("%d replies", len(out))
	}
}

func TestPipelineBrokerGoneMidway(t *testing.T) {
	b := startFake(t, func(p *peer) {
		p.handshake(okHandshake)
		for i := range 5 {
			corr, _ := p.read()
			p.reply(corr, TopicCreated{Name: fmt.Sprint(i)})
		}
		// then hang up
	})
	c := dial(t, b.addr, DialOptions{})
	rs := make([]Request, 50)
	for i := range rs {
		rs[i] = CreateTopic{Name: "x"}
	}
	out, err := c.Pipeline(context.Background(), rs)
	if err == nil {
		t.Fatal("Pipeline succeeded against a broker that hung up")
	}
	// Replies the broker sent before it hung up may be lost with the
	// connection; those returned are in order.
	if len(out) > 5 {
		t.Errorf("%d replies before the failure, want at most 5", len(out))
	}
	for i, r := range out {
		if tc, ok := r.(*TopicCreated); !ok || tc.Name != fmt.Sprint(i) {
			t.Errorf("reply %d = %#v", i, r)
		}
	}
	if _, err := c.Do(context.Background(), Ping{}); err == nil {
		t.Error("the Conn is still usable")
	}
}

func TestDoTimeoutAndCancel(t *testing.T) {
	b := startFake(t, func(p *peer) {
		p.handshake(okHandshake)
		p.read()
		p.read() // never answers; returns when the client hangs up
	})
	c := dial(t, b.addr, DialOptions{Timeout: 300 * time.Millisecond})
	start := time.Now()
	_, err := c.Do(context.Background(), Ping{})
	if err == nil || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("Do: %v, want a timeout", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Do took %v with a 300ms timeout", d)
	}
	if _, err := c.Do(context.Background(), Ping{}); err == nil {
		t.Error("the Conn is still usable after a timeout")
	}

	c2 := dial(t, b.addr, DialOptions{Timeout: time.Minute})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start = time.Now()
	_, err = c2.Do(ctx, Ping{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("cancel took %v", d)
	}

	// A context done before the call sends nothing and keeps the Conn.
	c3 := dial(t, b.addr, DialOptions{})
	done, cancel3 := context.WithCancel(context.Background())
	cancel3()
	if _, err := c3.Do(done, Ping{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Do: %v", err)
	}
	if c3.broken != nil {
		t.Errorf("an unsent request broke the Conn: %v", c3.broken)
	}
}

func TestCloseInterruptsACall(t *testing.T) {
	b := startFake(t, func(p *peer) { p.handshake(okHandshake); p.read(); p.read() })
	c := dial(t, b.addr, DialOptions{Timeout: time.Minute})
	time.AfterFunc(100*time.Millisecond, func() { _ = c.Close() })
	if _, err := c.Do(context.Background(), Ping{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Do during Close: %v, want ErrClosed", err)
	}
	if _, err := c.Do(context.Background(), Ping{}); err == nil {
		t.Fatal("Do after Close succeeded")
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// scramServer is the broker side of SCRAM-SHA-256 (RFC 5802/7677) for one
// user, written from the RFC, to drive the Conn's login through success and
// both kinds of failure.
type scramServer struct {
	user, pass string
	badSig     bool // send a wrong server signature
}

func (s scramServer) serve(p *peer) {
	p.handshake(ErrorResponse{Message: "AUTHENTICATION_REQUIRED: Please authenticate first"})
	corr, req := p.read()
	first, ok := req.(*ScramClientFirst)
	if !ok {
		p.t.Errorf("fake broker: got %T, want ScramClientFirst", req)
		return
	}
	bare := strings.TrimPrefix(string(first.Message), "n,,")
	var user, cnonce string
	for _, kv := range strings.Split(bare, ",") {
		if v, ok := strings.CutPrefix(kv, "n="); ok {
			user = v
		}
		if v, ok := strings.CutPrefix(kv, "r="); ok {
			cnonce = v
		}
	}
	salt := []byte("0123456789abcdef")
	combined := cnonce + "c2VydmVy"
	serverFirst := fmt.Sprintf("r=%s,s=%s,i=4096", combined, base64.StdEncoding.EncodeToString(salt))
	p.reply(corr, ScramServerFirst{Message: []byte(serverFirst)})

	corr, req = p.read()
	final, ok := req.(*ScramClientFinal)
	if !ok {
		p.t.Errorf("fake broker: got %T, want ScramClientFinal", req)
		return
	}
	withoutProof, proofB64, _ := strings.Cut(string(final.Message), ",p=")
	authMsg := bare + "," + serverFirst + "," + withoutProof
	salted, _ := pbkdf2.Key(sha256.New, s.pass, salt, 4096, 32)
	mac := func(key []byte, msg string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	clientKey := mac(salted, "Client Key")
	stored := sha256.Sum256(clientKey)
	proof := mac(stored[:], authMsg)
	for i := range proof {
		proof[i] ^= clientKey[i]
	}
	if user != s.user || base64.StdEncoding.EncodeToString(proof) != proofB64 {
		p.reply(corr, ScramServerFinal{Message: []byte("e=Authentication failed")})
		p.echo()
		return
	}
	sig := mac(mac(salted, "Server Key"), authMsg)
	if s.badSig {
		sig[0] ^= 1
	}
	p.reply(corr, ScramServerFinal{
		Message:   []byte("v=" + base64.StdEncoding.EncodeToString(sig)),
		SessionID: ptr("session"), ExpiresIn: ptr[uint64](3600),
	})
	p.echo()
}

func TestSCRAMLogin(t *testing.T) {
	srv := scramServer{user: "alice", pass: "s3cret-pass"}
	b := startFake(t, srv.serve)

	c := dial(t, b.addr, DialOptions{SCRAM: &Credentials{Username: "alice", Password: "s3cret-pass"}})
	if _, err := c.Do(context.Background(), Ping{}); err != nil {
		t.Errorf("Ping after login: %v", err)
	}

	_, err := Dial(context.Background(), b.addr, DialOptions{SCRAM: &Credentials{Username: "alice", Password: "wrong-pass"}})
	if err == nil || !strings.Contains(err.Error(), "e=Authentication failed") || !errors.Is(err, ErrLoginFailed) {
		t.Fatalf("wrong password: %v, want the broker's e=... and ErrLoginFailed", err)
	}
	if strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("the error shows the password: %v", err)
	}

	bad := startFake(t, scramServer{user: "alice", pass: "s3cret-pass", badSig: true}.serve)
	_, err = Dial(context.Background(), bad.addr, DialOptions{SCRAM: &Credentials{Username: "alice", Password: "s3cret-pass"}})
	if err == nil || !strings.Contains(err.Error(), "did not verify") {
		t.Fatalf("bad server signature: %v", err)
	}
	if strings.Contains(err.Error(), "s3cret-pass") {
		t.Errorf("the error shows the password: %v", err)
	}
}

func TestSCRAMLoginRefusedWithError(t *testing.T) {
	b := startFake(t, func(p *peer) {
		p.handshake(okHandshake)
		corr, _ := p.read()
		p.reply(corr, ErrorResponse{Message: "UNSUPPORTED: Use authenticated endpoint for authentication"})
	})
	_, err := Dial(context.Background(), b.addr, DialOptions{SCRAM: &Credentials{Username: "u", Password: "p4ss"}})
	var e *ErrorResponse
	if !errors.As(err, &e) || !strings.HasPrefix(e.Message, "UNSUPPORTED") || !errors.Is(err, ErrLoginFailed) {
		t.Fatalf("Dial: %v", err)
	}
	if bytes.Contains([]byte(err.Error()), []byte("p4ss")) {
		t.Errorf("the error shows the password: %v", err)
	}
}

// TestDialTLS: with DialOptions.TLS the Conn speaks the same frames inside
// TLS, verifying the broker against the given roots and, when ServerName is
// empty, the host of the address.
func TestDialTLS(t *testing.T) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "rivven test broker"},
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  true,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	server := &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	b := startFakeOn(t, server, func(p *peer) { p.handshake(okHandshake); p.echo() })

	c := dial(t, b.addr, DialOptions{TLS: &tls.Config{RootCAs: roots}})
	if _, err := c.Do(context.Background(), Ping{}); err != nil {
		t.Errorf("Ping over TLS: %v", err)
	}
	if _, err := Dial(context.Background(), b.addr, DialOptions{TLS: &tls.Config{}, Timeout: 5 * time.Second}); err == nil ||
		!strings.Contains(err.Error(), "TLS handshake") {
		t.Errorf("Dial with untrusted certificate: %v, want a TLS handshake error", err)
	}
}
