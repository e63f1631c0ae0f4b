package pipeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
)

// Defaults of the servers, as rivven-connect's own.
const (
	DefaultHealthPort  int32 = 8080
	DefaultMetricsPort int32 = 9091
	defaultHealthPath        = "/health"
)

// ErrEmpty is returned for a pipeline with neither sources nor sinks.
var ErrEmpty = errors.New("spec.sources and spec.sinks are both empty: a pipeline needs at least one source or sink")

// Build renders the pipeline file and collects what the pod needs. Bad
// input returns an error naming every offending field; nothing is
// rendered then.
func Build(in Input) (Result, error) {
	spec := in.Spec
	if len(spec.Sources) == 0 && len(spec.Sinks) == 0 {
		return Result{}, ErrEmpty
	}
	if len(in.Broker.BootstrapServers) == 0 {
		return Result{}, errors.New("no bootstrap servers: the RivvenCluster has not published status.bootstrapServers")
	}
	res := Result{TotalSources: len(spec.Sources), TotalSinks: len(spec.Sinks)}
	var errs []*fielderr.Error

	sources := map[string]any{}
	seen := map[string]int{}
	for i := range spec.Sources {
		s := &spec.Sources[i]
		field := fmt.Sprintf("spec.sources[%d]", i)
		if j, dup := seen[s.Name]; dup {
			errs = append(errs, fielderr.New(field+".name", "%q is already used by spec.sources[%d]", s.Name, j))
			continue
		}
		seen[s.Name] = i
		c := newConn(field, i, false, s.Name, s.ConfigSecretRef)
		generic, err := decodeConfig(s.Config, field+".config")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sources[s.Name] = c.source(s, generic)
		errs = append(errs, c.errs...)
		res.Warnings = append(res.Warnings, c.warnings...)
		if u := c.use(); u != nil {
			res.Secrets = append(res.Secrets, *u)
		}
		if boolOr(s.Enabled, true) {
			res.EnabledSources++
			if s.Connector == "postgres-cdc" || s.Connector == "mysql-cdc" {
				res.EnabledCDCSources++
			}
		}
	}

	sinks := map[string]any{}
	seen = map[string]int{}
	for i := range spec.Sinks {
		s := &spec.Sinks[i]
		field := fmt.Sprintf("spec.sinks[%d]", i)
		if j, dup := seen[s.Name]; dup {
			errs = append(errs, fielderr.New(field+".name", "%q is already used by spec.sinks[%d]", s.Name, j))
			continue
		}
		seen[s.Name] = i
		c := newConn(field, i, true, s.Name, s.ConfigSecretRef)
		generic, err := decodeConfig(s.Config, field+".config")
		if err != nil {
			errs = append(errs, err)
			continue
		}
		sinks[s.Name] = c.sink(s, generic)
		errs = append(errs, c.errs...)
		res.Warnings = append(res.Warnings, c.warnings...)
		if u := c.use(); u != nil {
			res.Secrets = append(res.Secrets, *u)
		}
		if boolOr(s.Enabled, true) {
			res.EnabledSinks++
		}
	}

	settings, serr := buildSettings(spec.Settings, in, &res)
	errs = append(errs, serr...)
	if err := fielderr.Join(errs...); err != nil {
		return Result{}, err
	}

	doc := map[string]any{
		"version":  "1.0",
		"broker":   broker(in.Broker),
		"settings": settings,
	}
	if len(sources) > 0 {
		doc["sources"] = sources
	}
	if len(sinks) > 0 {
		doc["sinks"] = sinks
	}
	file, err := Render(doc)
	if err != nil {
		return Result{}, err
	}
	res.File = file
	return res, nil
}

func broker(b Broker) map[string]any {
	out := map[string]any{"bootstrap_servers": b.BootstrapServers}
	if t := b.TLS; t != nil {
		tls := map[string]any{"enabled": true}
		if t.CAPath != "" {
			tls["ca_path"] = t.CAPath
		}
		if t.CertPath != "" {
			tls["cert_path"] = t.CertPath
			tls["key_path"] = t.KeyPath
		}
		if t.ServerName != "" {
			tls["server_name"] = t.ServerName
		}
		if t.Insecure {
			tls["insecure"] = true
		}
		out["tls"] = tls
	}
	return out
}

// buildSettings writes every server setting explicitly, so the file says
// what runs rather than relying on rivven-connect's defaults.
func buildSettings(s *v1alpha1.ConnectSettings, in Input, res *Result) (map[string]any, []*fielderr.Error) {
	if s == nil {
		s = &v1alpha1.ConnectSettings{}
	}
	out := map[string]any{}
	var errs []*fielderr.Error
	if t := s.Topic; t != nil {
		m := map[string]any{}
		if t.AutoCreate != nil {
			m["auto_create"] = *t.AutoCreate
		}
		if t.DefaultPartitions != nil {
			m["default_partitions"] = *t.DefaultPartitions
		}
		if t.DefaultReplicationFactor != nil {
			m["default_replication_factor"] = *t.DefaultReplicationFactor
		}
		if t.RequireTopicExists != nil {
			m["require_topic_exists"] = *t.RequireTopicExists
		}
		if len(m) > 0 {
			out["topic"] = m
		}
	}
	if r := s.Retry; r != nil {
		m := map[string]any{}
		if r.MaxRetries != nil {
			m["max_retries"] = *r.MaxRetries
		}
		if r.InitialBackoffMs != nil {
			m["initial_backoff_ms"] = *r.InitialBackoffMs
		}
		if r.MaxBackoffMs != nil {
			m["max_backoff_ms"] = *r.MaxBackoffMs
		}
		if r.BackoffMultiplier != "" {
			f, err := strconv.ParseFloat(r.BackoffMultiplier, 64)
			if err != nil || f < 1 {
				errs = append(errs, fielderr.New("spec.settings.retry.backoffMultiplier", "must be a decimal of at least 1, got %q", r.BackoffMultiplier))
			} else {
				m["backoff_multiplier"] = f
			}
		}
		if r.InitialBackoffMs != nil && r.MaxBackoffMs != nil && *r.InitialBackoffMs > *r.MaxBackoffMs {
			errs = append(errs, fielderr.New("spec.settings.retry.initialBackoffMs", "must not exceed maxBackoffMs"))
		}
		if len(m) > 0 {
			out["retry"] = m
		}
	}

	res.HealthPort, res.MetricsPort = DefaultHealthPort, DefaultMetricsPort
	path := defaultHealthPath
	if h := s.Health; h != nil {
		res.HealthEnabled = boolOr(h.Enabled, false)
		if h.Port != nil {
			res.HealthPort = *h.Port
		}
		if h.Path != "" {
			path = h.Path
		}
	}
	if h := s.Health; h != nil && h.Enabled != nil && !*h.Enabled && in.ForceHealth {
		res.Warnings = append(res.Warnings, "spec.settings.health.enabled: false is overridden: the liveness and readiness probes use /live on the health server; disable spec.livenessProbe and spec.readinessProbe to turn it off")
	}
	res.HealthEnabled = res.HealthEnabled || in.ForceHealth
	if m := s.Metrics; m != nil {
		res.MetricsEnabled = boolOr(m.Enabled, false)
		if m.Port != nil {
			res.MetricsPort = *m.Port
		}
	}
	res.MetricsEnabled = res.MetricsEnabled || in.ForceMetrics
	if res.HealthPort == res.MetricsPort && res.HealthEnabled && res.MetricsEnabled {
		errs = append(errs, fielderr.New("spec.settings.metrics.port", "%d is also the health port", res.MetricsPort))
	}
	out["health"] = map[string]any{"enabled": res.HealthEnabled, "port": res.HealthPort, "path": path}
	out["metrics"] = map[string]any{"enabled": res.MetricsEnabled, "port": res.MetricsPort}
	return out, errs
}

// decodeConfig reads a generic config object, keeping numbers exact.
func decodeConfig(raw *apiextensionsv1.JSON, field string) (map[string]any, *fielderr.Error) {
	if raw == nil {
		return nil, nil
	}
	b := raw.Raw
	if len(bytes.TrimSpace(b)) == 0 || string(b) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fielderr.New(field, "is not valid JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fielderr.New(field, "must be an object, got %T", v)
	}
	return m, nil
}
