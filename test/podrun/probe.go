package podrun

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Probe runs one network probe of container c against the pod at ip, as
// the kubelet does: HTTP(S) GET succeeds on a status in [200, 400)
// (certificates are not verified, redirects not followed), TCP on an
// accepted connection. Exec probes run inside the container instead
// (Pod.execProbe).
func Probe(ctx context.Context, p *corev1.Probe, c corev1.Container, ip netip.Addr) error {
	timeout := time.Duration(max(p.TimeoutSeconds, 1)) * time.Second
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	switch {
	case p.HTTPGet != nil:
		port, err := ResolvePort(p.HTTPGet.Port, c)
		if err != nil {
			return err
		}
		scheme := "http"
		if p.HTTPGet.Scheme == corev1.URISchemeHTTPS {
			scheme = "https"
		}
		url := fmt.Sprintf("%s://%s%s", scheme, net.JoinHostPort(ip.String(), strconv.Itoa(port)), p.HTTPGet.Path)
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		for _, h := range p.HTTPGet.HTTPHeaders {
			req.Header.Add(h.Name, h.Value)
		}
		client := &http.Client{
			Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, DisableKeepAlives: true}, //nolint:gosec // the kubelet does not verify probe certificates either
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
		rsp, err := client.Do(req)
		if err != nil {
			return err
		}
		_ = rsp.Body.Close()
		if rsp.StatusCode < 200 || rsp.StatusCode >= 400 {
			return fmt.Errorf("HTTP probe failed with statuscode: %d", rsp.StatusCode)
		}
		return nil
	case p.TCPSocket != nil:
		port, err := ResolvePort(p.TCPSocket.Port, c)
		if err != nil {
			return err
		}
		conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(ip.String(), strconv.Itoa(port)))
		if err != nil {
			return err
		}
		return conn.Close()
	}
	return fmt.Errorf("unsupported probe handler (grpc is not used by our pods)")
}

// ResolvePort turns a port (a number or a container port's name, as probes
// and Service target ports give it) into the container's port number.
func ResolvePort(p intstr.IntOrString, c corev1.Container) (int, error) {
	if p.Type == intstr.Int {
		return p.IntValue(), nil
	}
	for _, cp := range c.Ports {
		if cp.Name == p.StrVal {
			return int(cp.ContainerPort), nil
		}
	}
	return 0, fmt.Errorf("port %q is not a port of container %s", p.StrVal, c.Name)
}

// prober tracks consecutive results against the thresholds of one probe.
type prober struct {
	probe               *corev1.Probe
	successes, failures int32
	// ok is the current verdict: readiness starts false, liveness true.
	ok      bool
	lastErr error
}

func newProber(p *corev1.Probe, initial bool) *prober {
	q := *p
	if q.PeriodSeconds == 0 {
		q.PeriodSeconds = 10
	}
	if q.SuccessThreshold == 0 {
		q.SuccessThreshold = 1
	}
	if q.FailureThreshold == 0 {
		q.FailureThreshold = 3
	}
	if q.TimeoutSeconds == 0 {
		q.TimeoutSeconds = 1
	}
	return &prober{probe: &q, ok: initial}
}

// observe records one result and returns the verdict.
func (p *prober) observe(err error) bool {
	p.lastErr = err
	if err == nil {
		p.failures = 0
		p.successes++
		if p.successes >= p.probe.SuccessThreshold {
			p.ok = true
		}
		return p.ok
	}
	p.successes = 0
	p.failures++
	if p.failures >= p.probe.FailureThreshold {
		p.ok = false
	}
	return p.ok
}
