package v1alpha1_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/rivven/crossplane-rivven/apis/internal/schematest"

	// The schema is generated from this package's source in a subprocess;
	// importing it ties the test cache to that source.
	_ "github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// The schema under test is the one users get: the generated XRD at
// package/xrds/rivven.io_rivvenconnects.yaml when it exists (make generate),
// otherwise the CRD controller-gen produces from these Go types right now
// (bin/controller-gen, built by make tools). Both carry the same
// openAPIV3Schema for spec and status.
var rivvenConnects = schematest.XRD("rivven.io_rivvenconnects.yaml") //nolint:gochecknoglobals // Names a file.

// lookup walks a dotted path of property names; "[]" steps into items,
// "{}" into additionalProperties.
func lookup(s *extv1.JSONSchemaProps, path string) (*extv1.JSONSchemaProps, bool) {
	cur := s
	for _, p := range strings.Split(path, ".") {
		switch p {
		case "[]":
			if cur.Items == nil || cur.Items.Schema == nil {
				return nil, false
			}
			cur = cur.Items.Schema
		default:
			next, ok := cur.Properties[p]
			if !ok {
				return nil, false
			}
			cur = &next
		}
	}
	return cur, true
}

// seedFields lists every field of the product card's RivvenConnect, Source
// Connector, Sink Connector, typed config and TableSpec tables, plus the
// fields its cdc-pipeline example uses. A field missing from the schema
// would be pruned silently at admission.
var seedFields = map[string][]string{ //nolint:gochecknoglobals // Test table.
	"spec": {"clusterRef.name", "clusterRef.namespace", "replicas", "version", "image", "resources", "sources", "sinks",
		"settings.topic.autoCreate", "settings.topic.defaultPartitions", "settings.topic.defaultReplicationFactor",
		"settings.retry.maxRetries", "settings.retry.initialBackoffMs", "settings.retry.maxBackoffMs",
		"settings.health.enabled", "settings.health.port", "settings.metrics.enabled", "settings.metrics.port",
		"tls.enabled", "tls.certSecretName", "serviceMonitor.enabled"},
	"spec.sources.[]": {"name", "connector", "topic", "topicRouting", "enabled", "postgresCdc", "mysqlCdc", "http", "datagen",
		"kafka", "mqtt", "sqs", "pubsub", "config", "configSecretRef", "topicConfig.partitions", "topicConfig.replicationFactor", "rateLimit"},
	"spec.sinks.[]": {"name", "connector", "topics", "consumerGroup", "enabled", "startOffset", "s3", "gcs", "azureBlob", "http",
		"stdout", "kafka", "snowflake", "bigquery", "redshift", "config", "configSecretRef", "rateLimit.eventsPerSecond", "rateLimit.burstCapacity"},
	"spec.sources.[].postgresCdc": {"slotName", "publication", "snapshotMode", "decodingPlugin", "includeTransactionMetadata",
		"heartbeatIntervalMs", "signalTable", "tables"},
	"spec.sources.[].mysqlCdc":              {"serverId", "snapshotMode", "includeGtid", "heartbeatIntervalMs", "databaseHistoryTopic", "tables"},
	"spec.sources.[].datagen":               {"eventsPerSecond", "maxEvents", "schemaType", "seed"},
	"spec.sources.[].kafka":                 {"brokers", "topic", "consumerGroup", "startOffset", "securityProtocol", "saslMechanism", "saslUsername"},
	"spec.sources.[].mqtt":                  {"brokerUrl", "topics", "clientId", "qos", "cleanSession", "mqttVersion", "username"},
	"spec.sources.[].sqs":                   {"queueUrl", "region", "maxMessages", "waitTimeSeconds", "visibilityTimeout", "awsProfile", "roleArn"},
	"spec.sources.[].pubsub":                {"projectId", "subscription", "topic", "maxMessages", "ackDeadlineSeconds", "credentialsFile", "useAdc"},
	"spec.sources.[].http":                  {"url"},
	"spec.sinks.[].s3":                      {"bucket", "region", "endpointUrl", "prefix", "format", "compression", "batchSize", "flushIntervalSeconds"},
	"spec.sinks.[].http":                    {"url", "method", "contentType", "timeoutMs", "batchSize"},
	"spec.sinks.[].stdout":                  {"format", "pretty", "includeMetadata"},
	"spec.sinks.[].kafka":                   {"brokers", "topic", "acks", "compression", "batchSize", "lingerMs", "securityProtocol", "saslMechanism", "saslUsername"},
	"spec.sinks.[].gcs":                     {"bucket", "prefix", "format", "compression", "partitioning", "batchSize", "flushIntervalSeconds", "credentialsFile", "useAdc"},
	"spec.sinks.[].azureBlob":               {"accountName", "container", "prefix", "format", "compression", "partitioning", "batchSize", "flushIntervalSeconds"},
	"spec.sinks.[].snowflake":               {"account", "user", "privateKeyPath", "database", "schema", "table", "warehouse", "role", "batchSize"},
	"spec.sinks.[].bigquery":                {"projectId", "datasetId", "tableId", "credentialsFile", "useAdc", "batchSize", "autoCreateTable"},
	"spec.sinks.[].redshift":                {"host", "port", "database", "user", "schema", "table", "sslMode", "batchSize"},
	"spec.sources.[].postgresCdc.tables.[]": {"schema", "table", "topic", "columns", "excludeColumns", "columnMasks"},
	"spec.sources.[].mysqlCdc.tables.[]":    {"schema", "table", "topic", "columns", "excludeColumns", "columnMasks"},
	"status":                                {"phase", "replicas", "readyReplicas", "enabledSources", "enabledSinks"},
}

// seedEnums are the values the product card's tables allow; the schema
// must accept each of them.
var seedEnums = map[string][]string{ //nolint:gochecknoglobals // Test table.
	"spec.sources.[].postgresCdc.snapshotMode":   {"initial", "never", "when_needed", "exported"},
	"spec.sources.[].postgresCdc.decodingPlugin": {"pgoutput", "wal2json", "decoderbufs"},
	"spec.sources.[].mysqlCdc.snapshotMode":      {"initial", "never", "when_needed", "schema_only"},
	"spec.sources.[].kafka.startOffset":          {"earliest", "latest"},
	"spec.sources.[].kafka.securityProtocol":     {"plaintext", "ssl", "sasl_plaintext", "sasl_ssl"},
	"spec.sources.[].kafka.saslMechanism":        {"plain", "scram-sha-256", "scram-sha-512"},
	"spec.sources.[].mqtt.qos":                   {"at_most_once", "at_least_once", "exactly_once"},
	"spec.sources.[].mqtt.mqttVersion":           {"v3", "v311", "v5"},
	"spec.sinks.[].s3.format":                    {"json", "jsonl", "parquet", "avro"},
	"spec.sinks.[].s3.compression":               {"none", "gzip", "snappy", "lz4", "zstd"},
	"spec.sinks.[].http.method":                  {"POST", "PUT", "PATCH"},
	"spec.sinks.[].kafka.acks":                   {"none", "leader", "all", "0", "1", "-1"},
	"spec.sinks.[].kafka.compression":            {"none", "gzip", "snappy", "lz4", "zstd"},
	"spec.sinks.[].gcs.format":                   {"json", "jsonl", "parquet", "avro"},
	"spec.sinks.[].gcs.compression":              {"none", "gzip"},
	"spec.sinks.[].gcs.partitioning":             {"none", "daily", "hourly"},
	"spec.sinks.[].azureBlob.format":             {"json", "jsonl", "parquet", "avro"},
	"spec.sinks.[].azureBlob.partitioning":       {"none", "daily", "hourly"},
	"spec.sinks.[].redshift.sslMode":             {"disable", "prefer", "require", "verify-ca", "verify-full"},
}

func TestSchemaHasEverySeedField(t *testing.T) {
	s := rivvenConnects.OpenAPI(t)
	for base, fields := range seedFields {
		for _, f := range fields {
			if _, ok := lookup(s, base+"."+f); !ok {
				t.Errorf("schema has no %s.%s", base, f)
			}
		}
	}
	for path, values := range seedEnums {
		p, ok := lookup(s, path)
		if !ok {
			t.Errorf("schema has no %s", path)
			continue
		}
		var allowed []string
		for _, e := range p.Enum {
			allowed = append(allowed, strings.Trim(string(e.Raw), `"`))
		}
		for _, v := range values {
			if !slices.Contains(allowed, v) {
				t.Errorf("%s does not accept %q (allows %v)", path, v, allowed)
			}
		}
	}
	for _, path := range []string{"spec.sources.[].config", "spec.sinks.[].config"} {
		p, _ := lookup(s, path)
		if p == nil || p.XPreserveUnknownFields == nil || !*p.XPreserveUnknownFields {
			t.Errorf("%s must preserve unknown fields for custom connectors", path)
		}
	}
	for _, owned := range []string{"status.conditions", "spec.crossplane"} {
		if _, ok := lookup(s, owned); ok {
			t.Errorf("%s is Crossplane's; the Go types must not declare it", owned)
		}
	}
}

// TestSchemaIsAValidCRD runs the API server's own CRD validation, which
// compiles every CEL rule and checks its estimated cost against the limits.
func TestSchemaIsAValidCRD(t *testing.T) {
	if errs := rivvenConnects.ValidateCRD(t); len(errs) > 0 {
		t.Fatalf("the API server would reject the schema:\n%v", errs.ToAggregate())
	}
}

func TestExamplesAreAdmitted(t *testing.T) {
	rivvenConnects.AdmitFiles(t, "examples/connect/*.yaml")
}

func TestSeedDefaults(t *testing.T) {
	obj := schematest.ReadFile(t, filepath.Join(schematest.Root(t), "examples", "connect", "cdc-pipeline.yaml"))
	if errs := rivvenConnects.Admit(t, obj); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	spec := obj["spec"].(map[string]any)
	if got := spec["image"]; got != "ghcr.io/hupe1980/rivven-connect" {
		t.Errorf("spec.image default = %v", got)
	}
	if got := spec["version"]; got != "0.0.1" {
		t.Errorf("spec.version = %v, want the seed's 0.0.1 kept", got)
	}
}

func TestAdmissionRejects(t *testing.T) {
	cases := map[string]struct {
		mutate func(spec map[string]any)
		want   string
	}{
		"typed block with another connector": {
			mutate: func(s map[string]any) { src(s, 0)["connector"] = "datagen" },
			want:   "sources[].postgresCdc is only allowed with connector: postgres-cdc",
		},
		"two typed blocks": {
			mutate: func(s map[string]any) {
				sk := sink(s, 1)
				sk["s3"] = map[string]any{"bucket": "b"}
			},
			want: "at most one typed block",
		},
		"columns overlap excludeColumns": {
			mutate: func(s map[string]any) {
				tbl := src(s, 0)["postgresCdc"].(map[string]any)["tables"].([]any)[0].(map[string]any)
				tbl["excludeColumns"] = []any{"total"}
			},
			want: "tables[].columns and tables[].excludeColumns must not name the same column",
		},
		"postgres without secret": {
			mutate: func(s map[string]any) { delete(src(s, 0), "configSecretRef") },
			want:   "sources[].configSecretRef is required for postgres-cdc",
		},
		"kafka sasl without secret": {
			mutate: func(s map[string]any) {
				s["sources"] = append(s["sources"].([]any), map[string]any{
					"name": "k", "connector": "kafka-source", "topic": "t",
					"kafka": map[string]any{"brokers": []any{"k:9092"}, "topic": "x", "consumerGroup": "g", "securityProtocol": "sasl_ssl", "saslMechanism": "plain", "saslUsername": "u"},
				})
			},
			want: "sources[].configSecretRef is required when sources[].kafka.saslMechanism is set",
		},
		"bad start offset": {
			mutate: func(s map[string]any) { sink(s, 0)["startOffset"] = "yesterday" },
			want:   "sinks[].startOffset must be earliest, latest or an RFC 3339 timestamp",
		},
		"duplicate source name": {
			mutate: func(s map[string]any) { s["sources"] = append(s["sources"].([]any), src(s, 0)) },
			want:   "Duplicate value",
		},
		"empty pipeline": {
			mutate: func(s map[string]any) { delete(s, "sources"); delete(s, "sinks") },
			want:   "spec.sources and spec.sinks are both empty",
		},
		"image with tag": {
			mutate: func(s map[string]any) { s["image"] = "ghcr.io/hupe1980/rivven-connect:0.0.1" },
			want:   "spec.image must not carry a tag",
		},
		"same health and metrics port": {
			mutate: func(s map[string]any) {
				s["settings"].(map[string]any)["metrics"].(map[string]any)["port"] = int64(8080)
			},
			want: "settings.health.port and settings.metrics.port must differ",
		},
		"service monitor without metrics": {
			mutate: func(s map[string]any) {
				s["settings"].(map[string]any)["metrics"].(map[string]any)["enabled"] = false
				s["serviceMonitor"] = map[string]any{"enabled": true}
			},
			want: "spec.serviceMonitor.enabled needs spec.settings.metrics.enabled",
		},
		"connector name with underscore": {
			mutate: func(s map[string]any) { src(s, 0)["name"] = "postgres_cdc" },
			want:   "spec.sources[0].name",
		},
		"unknown snapshot mode": {
			mutate: func(s map[string]any) { src(s, 0)["postgresCdc"].(map[string]any)["snapshotMode"] = "sometimes" },
			want:   "spec.sources[0].postgresCdc.snapshotMode",
		},
		"sqs max messages out of range": {
			mutate: func(s map[string]any) {
				s["sources"] = append(s["sources"].([]any), map[string]any{
					"name": "q", "connector": "sqs-source", "topic": "t",
					"sqs": map[string]any{"queueUrl": "https://sqs.us-east-1.amazonaws.com/1/q", "region": "us-east-1", "maxMessages": int64(11)},
				})
			},
			want: "spec.sources[1].sqs.maxMessages",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obj := schematest.ReadFile(t, filepath.Join(schematest.Root(t), "examples", "connect", "cdc-pipeline.yaml"))
			tc.mutate(obj["spec"].(map[string]any))
			errs := rivvenConnects.Admit(t, obj)
			if len(errs) == 0 {
				t.Fatalf("admitted; want an error containing %q", tc.want)
			}
			if msg := errs.ToAggregate().Error(); !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not contain %q", msg, tc.want)
			}
		})
	}
}

func src(spec map[string]any, i int) map[string]any {
	return spec["sources"].([]any)[i].(map[string]any)
}

func sink(spec map[string]any, i int) map[string]any {
	return spec["sinks"].([]any)[i].(map[string]any)
}

// corpusDir holds the invalid RivvenConnects the API server tier applies
// (test/apiserver, README.md there). Checking them here too keeps the
// corpus honest without a running API server, and fails for any CEL rule of
// this schema that no case exercises.
const corpusDir = "test/apiserver/corpus/rivvenconnect"

func TestInvalidCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(schematest.Root(t), corpusDir, "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no cases under %s", corpusDir)
	}
	var all []string
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f) //nolint:gosec // Test fixtures.
			if err != nil {
				t.Fatal(err)
			}
			var fieldWant string
			var messages []string
			for _, line := range strings.Split(string(b), "\n") {
				if v, ok := strings.CutPrefix(line, "# field: "); ok {
					fieldWant = strings.TrimSpace(v)
				}
				if v, ok := strings.CutPrefix(line, "# message: "); ok {
					messages = append(messages, strings.TrimSpace(v))
				}
			}
			if fieldWant == "" {
				t.Fatal("no '# field:' header")
			}
			errs := rivvenConnects.Admit(t, schematest.ReadFile(t, f))
			if len(errs) == 0 {
				t.Fatalf("admitted; want a rejection naming %s", fieldWant)
			}
			msg := errs.ToAggregate().Error()
			all = append(all, msg)
			named := false
			for _, e := range errs {
				named = named || e.Field == fieldWant
			}
			if !named {
				t.Errorf("no error names %s: %s", fieldWant, msg)
			}
			for _, m := range messages {
				if !strings.Contains(msg, m) {
					t.Errorf("error %q does not contain %q", msg, m)
				}
			}
		})
	}
	joined := strings.Join(all, "\n")
	var walk func(s *extv1.JSONSchemaProps)
	walk = func(s *extv1.JSONSchemaProps) {
		if s == nil {
			return
		}
		for _, r := range s.XValidations {
			if !strings.Contains(joined, r.Message) {
				t.Errorf("no corpus case exercises CEL rule %q", r.Message)
			}
		}
		for _, p := range s.Properties {
			walk(&p)
		}
		if s.Items != nil {
			walk(s.Items.Schema)
		}
		if s.AdditionalProperties != nil {
			walk(s.AdditionalProperties.Schema)
		}
	}
	walk(rivvenConnects.OpenAPI(t))
}
