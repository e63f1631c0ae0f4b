package admin

import (
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
)

// Protocol is the wire protocol a cluster's admin client speaks.
type Protocol string

// Protocols.
const (
	// ProtocolRivven is rivvend's own client protocol (framed postcard)
	// on its client port.
	ProtocolRivven Protocol = "Rivven"
	// ProtocolKafka is the Kafka admin API, for Kafka-compatible brokers.
	ProtocolKafka Protocol = "Kafka"
)

// Connection is everything needed to reach one cluster's admin API, with
// secrets already read. It is built from a ProviderConfig and its Secrets.
type Connection struct {
	Protocol         Protocol
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
	field([]byte(c.Protocol))
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

// Config is the crypto/tls configuration of these settings. Errors name the
// ProviderConfig field to fix.
func (t *TLS) Config() (*tls.Config, error) {
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
