package pipeline

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
)

// Broker is what the pipeline needs to know about the RivvenCluster.
type Broker struct {
	// BootstrapServers as host:port.
	BootstrapServers []string
	// TLS towards the brokers; nil means plaintext.
	TLS *BrokerTLS
}

// BrokerTLS is the broker.tls block, with paths inside the pod.
type BrokerTLS struct {
	CAPath     string
	CertPath   string
	KeyPath    string
	ServerName string
	Insecure   bool
}

// Input of Build.
type Input struct {
	Spec   v1alpha1.RivvenConnectSpec
	Broker Broker
	// ForceHealth turns the health server on because a probe uses /live.
	ForceHealth bool
	// ForceMetrics turns the metrics server on because a ServiceMonitor
	// scrapes it.
	ForceMetrics bool
}

// SecretUse is one connector's configSecretRef and what the pod must do
// with it.
type SecretUse struct {
	// Field is the spec path of the reference, for messages.
	Field string
	// Sink is true for a sink, false for a source.
	Sink bool
	// Connector is the source or sink name.
	Connector string
	// Index of the connector in spec.sources or spec.sinks.
	Index int
	// SecretName in the RivvenConnect's namespace.
	SecretName string
	// Prefix of the environment variables of every key of the Secret.
	Prefix string
	// MountDir where the Secret is mounted read-only.
	MountDir string
	// RequiredKeys the pipeline file refers to without a default, sorted.
	// The pod refers to each explicitly so a missing key stops the pod
	// with Kubernetes' own "couldn't find key" message.
	RequiredKeys []string
}

// Result of Build.
type Result struct {
	// File is the pipeline file.
	File []byte
	// Secrets the pod must expose, in spec order (sources, then sinks).
	Secrets []SecretUse
	// Warnings about requests rivven-connect cannot honour as asked.
	Warnings []string
	// HealthPort serves /health, /ready and /live when HealthEnabled.
	HealthPort    int32
	HealthEnabled bool
	// MetricsPort serves /metrics when MetricsEnabled.
	MetricsPort    int32
	MetricsEnabled bool
	// Enabled and total counts of sources and sinks.
	EnabledSources, TotalSources int
	EnabledSinks, TotalSinks     int
	// EnabledCDCSources counts the enabled postgres-cdc and mysql-cdc
	// sources: each holds a replication slot (or binlog reader) that two
	// processes must never read at once.
	EnabledCDCSources int
}

// conn collects what one connector contributes besides its file entry.
type conn struct {
	field    string
	index    int
	isSink   bool
	name     string
	secret   string
	prefix   string
	required map[string]bool
	warnings []string
	errs     []*fielderr.Error
}

func newConn(field string, index int, sink bool, name, secret string) *conn {
	return &conn{field: field, index: index, isSink: sink, name: name, secret: secret, prefix: EnvPrefix(sink, name), required: map[string]bool{}}
}

// secretKey refers to a key of the connector's Secret that must exist.
func (c *conn) secretKey(key string) EnvRef {
	c.required[key] = true
	return EnvRef{Var: c.prefix + key}
}

// secretNumber refers to an optional numeric key with a default.
func (c *conn) secretNumber(key, def string) EnvRef {
	return EnvRef{Var: c.prefix + key, Default: def, HasDefault: true, Number: true}
}

func (c *conn) warn(format string, a ...any) {
	c.warnings = append(c.warnings, fmt.Sprintf(format, a...))
}

func (c *conn) fail(field, format string, a ...any) {
	c.errs = append(c.errs, fielderr.New(field, format, a...))
}

func (c *conn) use() *SecretUse {
	if c.secret == "" {
		return nil
	}
	return &SecretUse{
		Field:        c.field + ".configSecretRef",
		Sink:         c.isSink,
		Connector:    c.name,
		Index:        c.index,
		SecretName:   c.secret,
		Prefix:       c.prefix,
		MountDir:     SecretMountDir(c.isSink, c.name),
		RequiredKeys: slices.Sorted(maps.Keys(c.required)),
	}
}

// soft is a connection key that comes from the Secret unless the generic
// config sets it.
type soft struct {
	path  []string
	value func() any
}

// mergeConfig lays the generic config over the typed keys. A leaf both set
// is an error naming the generic key; soft keys fill what neither set.
func (c *conn) mergeConfig(typed map[string]any, generic map[string]any, softs []soft) map[string]any {
	out := typed
	if out == nil {
		out = map[string]any{}
	}
	c.mergeInto(out, generic, c.field+".config")
	for _, s := range softs {
		setIfAbsent(out, s.path, s.value)
	}
	return out
}

func (c *conn) mergeInto(dst, src map[string]any, field string) {
	for _, k := range slices.Sorted(maps.Keys(src)) {
		v := src[k]
		existing, ok := dst[k]
		if !ok {
			dst[k] = v
			continue
		}
		dm, dok := existing.(map[string]any)
		sm, sok := v.(map[string]any)
		if dok && sok {
			c.mergeInto(dm, sm, field+"."+k)
			continue
		}
		c.fail(field+"."+k, "also set by the typed block; set it in one place only")
	}
}

func setIfAbsent(m map[string]any, path []string, value func() any) {
	for i, k := range path {
		if i == len(path)-1 {
			if _, ok := m[k]; !ok {
				m[k] = value()
			}
			return
		}
		next, ok := m[k].(map[string]any)
		if !ok {
			if _, exists := m[k]; exists {
				return
			}
			next = map[string]any{}
			m[k] = next
		}
		m = next
	}
}

// sensitiveKeys are connector keys that hold credentials in rivven-connect's
// config structs (FACTS §4–§6). The generic config may only refer to them
// through ${VAR}.
var sensitiveKeys = map[string]bool{ //nolint:gochecknoglobals // Read-only lookup table.
	"password": true, "sasl_password": true, "secret_access_key": true,
	"access_key": true, "session_token": true, "sas_token": true,
	"oauth_token": true, "token": true, "credentials_json": true,
	"service_account_key": true, "private_key_passphrase": true,
	"aws_secret_access_key": true, "secret": true, "key": true,
	"api_key": true, "client_secret": true,
}

// checkInline rejects a literal credential anywhere in the generic config.
func (c *conn) checkInline(v any, field string) {
	switch t := v.(type) {
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(t)) {
			f := field + "." + k
			if s, ok := t[k].(string); ok && sensitiveKeys[strings.ToLower(k)] && !isEnvRef(s) {
				c.fail(f, "a credential must not be written inline; put it in the configSecretRef Secret and write ${%s<key>}", c.prefix)
				continue
			}
			c.checkInline(t[k], f)
		}
	case []any:
		for i, e := range t {
			c.checkInline(e, fmt.Sprintf("%s[%d]", field, i))
		}
	}
}

// isEnvRef is true for a value that is exactly one ${VAR} or ${VAR:-x}.
func isEnvRef(s string) bool {
	if !strings.HasPrefix(s, "${") || !strings.HasSuffix(s, "}") {
		return false
	}
	inner := s[2 : len(s)-1]
	name, _, _ := strings.Cut(inner, ":-")
	if name == "" || strings.ContainsAny(inner, "{}") {
		return false
	}
	for i, r := range name {
		ok := r == '_' || (r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}
