package kafka

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// Connection is everything needed to reach one cluster's admin API, with
// secrets already read. It is built from a ProviderConfig and its Secrets.
type Connection struct {
	BootstrapServers []string
	TLS              *TLS
	SASL             *SASL
}

// TLS settings, PEM encoded.
type TLS struct {
	CA                 []byte
	ClientCert         []byte
	ClientKey          []byte
	ServerName         string
	InsecureSkipVerify bool
}

// SASL settings.
type SASL struct {
	Mechanism string // PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512
	Username  string
	Password  string
}

// Fingerprint identifies the connection settings, secrets included, without
// revealing them: a cached client is replaced when its fingerprint changes,
// for example after a password rotation.
func (c Connection) Fingerprint() string {
	h := sha256.New()
	field := func(b []byte) { fmt.Fprintf(h, "%d:", len(b)); h.Write(b) }
	for _, s := range c.BootstrapServers {
		field([]byte(s))
	}
	if c.TLS != nil {
		field([]byte("tls"))
		field(c.TLS.CA)
		field(c.TLS.ClientCert)
		field(c.TLS.ClientKey)
		field([]byte(c.TLS.ServerName))
		field([]byte(fmt.Sprint(c.TLS.InsecureSkipVerify)))
	}
	if c.SASL != nil {
		field([]byte("sasl"))
		field([]byte(c.SASL.Mechanism))
		field([]byte(c.SASL.Username))
		field([]byte(c.SASL.Password))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Timeouts bound every admin call, so an unreachable broker becomes an
// error the reconciler reports and retries instead of a hung worker.
const (
	dialTimeout    = 5 * time.Second
	requestTimeout = 15 * time.Second
)

func (c Connection) options() ([]kgo.Opt, error) {
	if len(c.BootstrapServers) == 0 {
		return nil, errors.New("spec.bootstrapServers is empty")
	}
	opts := []kgo.Opt{
		kgo.SeedBrokers(c.BootstrapServers...),
		kgo.ClientID("provider-rivven"),
		kgo.DialTimeout(dialTimeout),
		kgo.RequestTimeoutOverhead(requestTimeout),
		kgo.RetryTimeout(requestTimeout),
		kgo.RequestRetries(2),
		// Metadata is fetched explicitly, once per poll for all topics.
		kgo.MetadataMinAge(time.Second),
	}
	if c.TLS != nil {
		cfg, err := c.TLS.config()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.Dialer((&tls.Dialer{NetDialer: &net.Dialer{Timeout: dialTimeout}, Config: cfg}).DialContext))
	}
	if c.SASL != nil {
		m, err := c.SASL.mechanism()
		if err != nil {
			return nil, err
		}
		opts = append(opts, kgo.SASL(m))
	}
	return opts, nil
}

func (t *TLS) config() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         t.ServerName,
		InsecureSkipVerify: t.InsecureSkipVerify, //nolint:gosec // Opt-in, documented as for test clusters only.
	}
	if len(t.CA) > 0 {
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(t.CA) {
			return nil, errors.New("spec.tls.caSecretRef: no PEM certificate found in the CA bundle")
		}
		cfg.RootCAs = pool
	}
	if len(t.ClientCert) > 0 || len(t.ClientKey) > 0 {
		pair, err := tls.X509KeyPair(t.ClientCert, t.ClientKey)
		if err != nil {
			return nil, fmt.Errorf("spec.tls.clientCertSecretRef: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

func (s *SASL) mechanism() (sasl.Mechanism, error) {
	switch s.Mechanism {
	case "PLAIN":
		return plain.Auth{User: s.Username, Pass: s.Password}.AsMechanism(), nil
	case "SCRAM-SHA-256":
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha256Mechanism(), nil
	case "SCRAM-SHA-512":
		return scram.Auth{User: s.Username, Pass: s.Password}.AsSha512Mechanism(), nil
	}
	return nil, fmt.Errorf("spec.sasl.mechanism: %q is not PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512", s.Mechanism)
}
