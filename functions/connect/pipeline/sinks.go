package pipeline

import (
	"path"
	"strings"
	"time"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// storagePartitioning maps the seed's spelling to rivven-connect's.
var storagePartitioning = map[string]string{ //nolint:gochecknoglobals // Read-only lookup table.
	"none": "none", "daily": "day", "hourly": "hour",
}

// credentialHeaders carry credentials; their values must come from a Secret.
var credentialHeaders = map[string]bool{ //nolint:gochecknoglobals // Read-only lookup table.
	"authorization": true, "proxy-authorization": true, "x-api-key": true,
	"api-key": true, "x-auth-token": true, "cookie": true,
}

// kafkaAcks maps numeric acks to rivven-connect's names.
var kafkaAcks = map[string]string{ //nolint:gochecknoglobals // Read-only lookup table.
	"none": "none", "leader": "leader", "all": "all", "0": "none", "1": "leader", "-1": "all",
}

// redshiftSSLModes maps libpq spellings to rivven-connect's (no hyphen).
var redshiftSSLModes = map[string]string{ //nolint:gochecknoglobals // Read-only lookup table.
	"disable": "disable", "prefer": "prefer", "require": "require",
	"verify-ca": "verifyca", "verify-full": "verifyfull",
}

// objectStorage fills the keys shared by the s3, gcs and azure-blob sinks.
// rivven-connect picks the store by provider only (default s3), so provider
// is always written.
func objectStorage(provider, bucket, prefix, format, compression string, batch, flush *int32) map[string]any {
	cfg := map[string]any{"provider": provider, "bucket": bucket, "format": format}
	if prefix != "" {
		cfg["prefix"] = prefix
	}
	if compression != "" {
		cfg["compression"] = compression
	}
	if batch != nil {
		cfg["batch_size"] = *batch
	}
	if flush != nil {
		cfg["flush_interval_secs"] = *flush
	}
	return cfg
}

// serviceAccountFile is the conventional file of a GCP service-account key
// in a connector's Secret.
const serviceAccountFile = "service_account.json"

// sinkConfig returns the registry name, typed keys and soft keys of a sink.
func (c *conn) sinkConfig(s *v1alpha1.SinkConnectorSpec) (string, map[string]any, []soft) {
	f := c.field
	switch {
	case s.S3 != nil:
		b := s.S3
		format := b.Format
		if format == "" {
			format = "json"
		}
		compression := b.Compression
		if compression != "" && compression != "none" && compression != "gzip" {
			c.warn("%s.s3.compression %q is not supported by rivven-connect (none or gzip); objects are written uncompressed", f, compression)
			compression = "none"
		}
		cfg := objectStorage("s3", b.Bucket, b.Prefix, format, compression, b.BatchSize, b.FlushIntervalSeconds)
		s3 := map[string]any{}
		if b.Region != "" {
			s3["region"] = b.Region
		}
		if b.EndpointURL != "" {
			s3["endpoint"] = b.EndpointURL
		}
		if b.ForcePathStyle {
			s3["force_path_style"] = true
		}
		if len(s3) > 0 {
			cfg["s3"] = s3
		}
		return "s3", cfg, c.awsKeys("s3")
	case s.GCS != nil:
		g := s.GCS
		format := g.Format
		if format == "" {
			format = "jsonl"
		}
		cfg := objectStorage("gcs", g.Bucket, g.Prefix, format, g.Compression, g.BatchSize, g.FlushIntervalSeconds)
		if p := storagePartitioning[g.Partitioning]; p != "" {
			cfg["partitioning"] = p
		}
		gcs := map[string]any{}
		switch {
		case g.CredentialsFile != "":
			gcs["service_account_path"] = g.CredentialsFile
		case c.secret != "":
			gcs["service_account_path"] = path.Join(SecretMountDir(true, c.name), serviceAccountFile)
		case !boolOr(g.UseAdc, true):
			c.fail(f+".gcs.useAdc", "is false but neither credentialsFile nor configSecretRef supplies credentials")
		}
		if g.UseAdc != nil {
			gcs["use_adc"] = *g.UseAdc
		}
		if len(gcs) > 0 {
			cfg["gcs"] = gcs
		}
		return "gcs", cfg, nil
	case s.AzureBlob != nil:
		a := s.AzureBlob
		format := a.Format
		if format == "" {
			format = "jsonl"
		}
		cfg := objectStorage("azure", a.Container, a.Prefix, format, a.Compression, a.BatchSize, a.FlushIntervalSeconds)
		if p := storagePartitioning[a.Partitioning]; p != "" {
			cfg["partitioning"] = p
		}
		cfg["azure"] = map[string]any{"account": a.AccountName}
		var softs []soft
		if c.secret != "" {
			softs = append(softs, soft{path: []string{"azure", "access_key"}, value: func() any { return c.secretKey("access_key") }})
		}
		return "azure-blob", cfg, softs
	case s.HTTP != nil:
		h := s.HTTP
		cfg := map[string]any{"url": h.URL}
		if h.Method != "" {
			cfg["method"] = h.Method
		}
		if h.ContentType != "" {
			cfg["content_type"] = h.ContentType
		}
		if h.TimeoutMs != nil {
			cfg["timeout_secs"] = min(max((*h.TimeoutMs+999)/1000, 1), 300)
		}
		// The seed's default is 100 events per request; http-webhook's own
		// is 1.
		batch := int32(100)
		if h.BatchSize != nil {
			batch = *h.BatchSize
		}
		cfg["batch_size"] = batch
		if len(h.Headers) > 0 {
			hdr := map[string]any{}
			for k, v := range h.Headers {
				if credentialHeaders[strings.ToLower(k)] && !isEnvRef(v) {
					c.fail(f+".http.headers."+k, "a credential must not be written inline; put it in the configSecretRef Secret and write ${%s<key>}", c.prefix)
					continue
				}
				hdr[k] = v
			}
			cfg["headers"] = hdr
		}
		// The built-in "http" poster ignores method, timeout and headers;
		// http-webhook honours all of them.
		return "http-webhook", cfg, nil
	case s.Stdout != nil:
		o := s.Stdout
		cfg := map[string]any{}
		format := o.Format
		if format == "" && o.Pretty {
			format = "pretty"
		}
		if o.Pretty && format != "pretty" {
			c.warn("%s.stdout.pretty is not applied with format %q: rivven-connect's human-readable output is format pretty", f, format)
		}
		if format != "" {
			cfg["format"] = format
		}
		if o.IncludeMetadata != nil {
			cfg["include_metadata"] = *o.IncludeMetadata
		}
		if o.IncludeTimestamp != nil {
			cfg["include_timestamp"] = *o.IncludeTimestamp
		}
		return "stdout", cfg, nil
	case s.Kafka != nil:
		k := s.Kafka
		cfg := map[string]any{"brokers": strings.Join(k.Brokers, ","), "topic": k.Topic}
		if k.Acks != "" {
			cfg["acks"] = kafkaAcks[k.Acks]
		}
		if k.Compression != "" {
			cfg["compression"] = k.Compression
		}
		if k.BatchSize != nil {
			cfg["batch_size_bytes"] = *k.BatchSize
		}
		// The seed's default linger is 0; rivven-connect's own is 5 ms.
		linger := int64(0)
		if k.LingerMs != nil {
			linger = *k.LingerMs
		}
		cfg["linger_ms"] = linger
		if sec := c.kafkaSecurity(f+".kafka", k.SecurityProtocol, k.SaslMechanism, k.SaslUsername); len(sec) > 0 {
			cfg["security"] = sec
		}
		return "kafka", cfg, nil
	case s.Snowflake != nil:
		w := s.Snowflake
		cfg := map[string]any{
			"account": w.Account, "user": w.User, "private_key_path": w.PrivateKeyPath,
			"database": w.Database, "schema": w.Schema, "table": w.Table,
		}
		if w.Warehouse != "" {
			cfg["warehouse"] = w.Warehouse
		}
		if w.Role != "" {
			cfg["role"] = w.Role
		}
		if w.BatchSize != nil {
			cfg["batch_size"] = *w.BatchSize
		}
		return "snowflake", cfg, nil
	case s.BigQuery != nil:
		q := s.BigQuery
		cfg := map[string]any{"project_id": q.ProjectID, "dataset_id": q.DatasetID, "table_id": q.TableID}
		switch {
		case q.CredentialsFile != "":
			cfg["credentials_file"] = q.CredentialsFile
		case c.secret != "":
			cfg["credentials_file"] = path.Join(SecretMountDir(true, c.name), serviceAccountFile)
		case !boolOr(q.UseAdc, true):
			c.fail(f+".bigquery.useAdc", "is false but neither credentialsFile nor configSecretRef supplies credentials")
		}
		if q.BatchSize != nil {
			cfg["batch_size"] = *q.BatchSize
		}
		if q.AutoCreateTable {
			c.warn("%s.bigquery.autoCreateTable is not supported by rivven-connect: the table must exist", f)
		}
		return "bigquery", cfg, nil
	case s.Redshift != nil:
		r := s.Redshift
		schema := r.Schema
		if schema == "" {
			schema = "public"
		}
		port := int32(5439)
		if r.Port != nil {
			port = *r.Port
		}
		// The seed's default is 1000 rows; rivven-connect's own is 500.
		batch := int32(1000)
		if r.BatchSize != nil {
			batch = *r.BatchSize
		}
		cfg := map[string]any{
			"host": r.Host, "port": port, "database": r.Database, "username": r.User,
			"schema": schema, "table": r.Table, "batch_size": batch,
		}
		if r.SslMode != "" {
			cfg["ssl_mode"] = redshiftSSLModes[r.SslMode]
		}
		return "redshift", cfg, []soft{{path: []string{"password"}, value: func() any { return c.secretKey("password") }}}
	}
	if s.Connector == "redshift" {
		return "redshift", nil, []soft{{path: []string{"password"}, value: func() any { return c.secretKey("password") }}}
	}
	name, known := sinkConnectors[s.Connector]
	if !known {
		name = s.Connector
		c.warn("%s.connector %q is not a sink rivven-connect registers; it is passed through and fails at start unless the image provides it", f, s.Connector)
	}
	// rivven-connect picks the object store by provider alone (default s3),
	// so gcs and azure-blob without a typed block still need it.
	var softs []soft
	switch s.Connector {
	case "gcs":
		softs = []soft{{path: []string{"provider"}, value: func() any { return "gcs" }}}
	case "azure-blob":
		softs = []soft{{path: []string{"provider"}, value: func() any { return "azure" }}}
	}
	return name, nil, softs
}

// startOffset writes one of rivven-connect's three forms (FACTS §2.7).
func (c *conn) startOffset(v string) any {
	switch v {
	case "", "latest":
		return "latest"
	case "earliest":
		return "earliest"
	}
	if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
		c.fail(c.field+".startOffset", "must be earliest, latest or an RFC 3339 timestamp: %v", err)
		return nil
	}
	return Tagged{Tag: "!timestamp", Value: v}
}

// sink builds the file entry of one sink.
func (c *conn) sink(s *v1alpha1.SinkConnectorSpec, generic map[string]any) map[string]any {
	name, typed, softs := c.sinkConfig(s)
	c.checkInline(generic, c.field+".config")
	cfg := c.mergeConfig(typed, generic, softs)

	for i, t := range s.Topics {
		if strings.ContainsAny(t, "*?[") {
			c.warn("%s.topics[%d] %q: rivven-connect reads literal topic names and does not implement wildcards, so this entry matches no topic; list the topics explicitly", c.field, i, t)
		}
	}
	entry := map[string]any{
		"connector":      name,
		"topics":         s.Topics,
		"consumer_group": s.ConsumerGroup,
		"enabled":        boolOr(s.Enabled, true),
		"start_offset":   c.startOffset(s.StartOffset),
	}
	if len(cfg) > 0 {
		entry["config"] = cfg
	}
	if rl := s.RateLimit; rl != nil {
		r := map[string]any{"events_per_second": rl.EventsPerSecond}
		if rl.BurstCapacity != nil {
			r["burst_capacity"] = *rl.BurstCapacity
		}
		entry["rate_limit"] = r
	}
	if s.OffsetCommitInterval != nil {
		entry["offset_commit_interval"] = *s.OffsetCommitInterval
	}
	return entry
}
