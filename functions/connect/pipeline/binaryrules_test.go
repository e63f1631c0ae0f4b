package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// enumRules are the exact strings rivven-connect's serde enums accept
// (FACTS §2.7, §4–§6), keyed by connector and dotted config path. A value
// outside the list fails to parse when the connector starts.
var enumRules = map[string]map[string][]string{ //nolint:gochecknoglobals // Test table.
	"postgres-cdc": {"snapshot.mode": {"initial", "always", "never", "when_needed", "initial_only", "no_data", "schema_only", "recovery"}},
	"mysql-cdc":    {"snapshot.mode": {"initial", "always", "never", "when_needed", "initial_only", "no_data", "schema_only", "recovery"}},
	"datagen":      {"pattern": {"sequence", "random", "users", "orders", "events", "metrics", "key_value"}},
	"kafka": {
		"start_offset":            {"earliest", "latest"},
		"security.protocol":       {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"},
		"security.sasl_mechanism": {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "AWS_MSK_IAM"},
		"acks":                    {"none", "leader", "all"},
		"compression":             {"none", "gzip", "snappy", "lz4", "zstd"},
	},
	"mqtt":         {"qos": {"at_most_once", "at_least_once", "exactly_once"}, "mqtt_version": {"v3", "v311", "v5"}},
	"stdout":       {"format": {"pretty", "json", "tsv", "text", "avrojson", "avrobinary", "avrohex"}},
	"http-webhook": {"method": {"POST", "PUT", "PATCH", "DELETE"}},
	"s3":           storageEnums,
	"gcs":          storageEnums,
	"azure-blob":   storageEnums,
	"redshift":     {"ssl_mode": {"disable", "prefer", "require", "verifyca", "verifyfull"}},
}

var storageEnums = map[string][]string{ //nolint:gochecknoglobals // Test table.
	"provider":     {"s3", "gcs", "azure", "local"},
	"format":       {"json", "jsonl", "avro", "csv", "parquet"},
	"compression":  {"none", "gzip"},
	"partitioning": {"none", "day", "hour"},
}

// requiredKeys are config keys without a serde default (FACTS §4–§6).
var requiredKeys = map[string][]string{ //nolint:gochecknoglobals // Test table.
	"postgres-cdc": {"host", "database", "user", "password"},
	"mysql-cdc":    {"host", "user", "password"},
	"http":         {"url"},
	"kafka":        {"brokers", "topic"},
	"mqtt":         {"broker_url", "topics"},
	"sqs":          {"queue_url", "region"},
	"pubsub":       {"project_id", "subscription"},
	"http-webhook": {"url"},
	"s3":           {"bucket"},
	"gcs":          {"bucket"},
	"azure-blob":   {"bucket"},
	"snowflake":    {"account", "user", "private_key_path", "database", "schema", "table"},
	"bigquery":     {"project_id", "dataset_id", "table_id"},
	"redshift":     {"host", "database", "username", "password", "table"},
}

func lookupPath(m map[string]any, path string) (any, bool) {
	var cur any = m
	for _, p := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = mm[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// checkLikeBinary applies the checks rivven-connect runs when it loads a
// file (FACTS §1.3) and the enum and required-key rules its connectors
// apply when they start.
func checkLikeBinary(doc map[string]any) []string {
	var problems []string
	bad := func(format string, a ...any) { problems = append(problems, fmt.Sprintf(format, a...)) }
	broker, _ := doc["broker"].(map[string]any)
	if servers, ok := broker["bootstrap_servers"].([]any); !ok || len(servers) == 0 {
		bad("broker.bootstrap_servers must be a non-empty sequence")
	}
	check := func(kind, name string, entry map[string]any) {
		connector, _ := entry["connector"].(string)
		cfg, _ := entry["config"].(map[string]any)
		for _, k := range requiredKeys[connector] {
			if v, ok := lookupPath(cfg, k); !ok || v == "" {
				bad("%s.%s.config.%s is required by %s", kind, name, k, connector)
			}
		}
		for path, allowed := range enumRules[connector] {
			if v, ok := lookupPath(cfg, path); ok && !slices.Contains(allowed, fmt.Sprint(v)) {
				bad("%s.%s.config.%s = %v is not one of %v", kind, name, path, v, allowed)
			}
		}
		if _, ok := entry["enabled"].(bool); !ok {
			bad("%s.%s.enabled must be a bool", kind, name)
		}
	}
	sources, _ := doc["sources"].(map[string]any)
	for name, raw := range sources {
		e := raw.(map[string]any)
		if t, _ := e["topic"].(string); t == "" {
			bad("sources.%s.topic must be non-empty", name)
		}
		check("sources", name, e)
	}
	sinks, _ := doc["sinks"].(map[string]any)
	for name, raw := range sinks {
		e := raw.(map[string]any)
		if t, _ := e["topics"].([]any); len(t) == 0 {
			bad("sinks.%s.topics must list at least one topic", name)
		}
		if g, _ := e["consumer_group"].(string); g == "" {
			bad("sinks.%s.consumer_group must be non-empty", name)
		}
		switch so := e["start_offset"].(type) {
		case string:
			if so != "earliest" && so != "latest" {
				bad("sinks.%s.start_offset = %q", name, so)
			}
		case map[string]any:
			// serde_yaml's enum variant: !timestamp "..."; a plain
			// mapping {timestamp: ...} is refused by the binary.
			if _, ok := so["!timestamp"].(string); !ok || len(so) != 1 {
				bad("sinks.%s.start_offset = %v", name, so)
			}
		default:
			bad("sinks.%s.start_offset has type %T", name, so)
		}
		check("sinks", name, e)
	}
	return problems
}

// TestExamplesSatisfyTheBinary renders every example, expands the Secret
// variables as rivven-connect does (with placeholder values) and checks
// the result against the binary's load-time and start-time rules.
func TestExamplesSatisfyTheBinary(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "connect", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f) //nolint:gosec // Test fixtures.
			if err != nil {
				t.Fatal(err)
			}
			rc := &v1alpha1.RivvenConnect{}
			if err := yaml.UnmarshalStrict(b, rc); err != nil {
				t.Fatal(err)
			}
			res, err := Build(Input{Spec: rc.Spec, Broker: testBroker, ForceHealth: true})
			if err != nil {
				t.Fatal(err)
			}
			env := map[string]string{}
			for _, s := range res.Secrets {
				for _, k := range s.RequiredKeys {
					env[s.Prefix+k] = "placeholder-" + k
				}
			}
			for _, p := range checkLikeBinary(parse(t, expand(res.File, env))) {
				t.Error(p)
			}
		})
	}
}

// TestBinaryRulesCatchMistakes keeps the checker honest: files that break
// a rule must be reported.
func TestBinaryRulesCatchMistakes(t *testing.T) {
	cases := map[string]string{
		"bootstrap servers as a string": "broker: {bootstrap_servers: a:9092}\n",
		"empty source topic":            "broker: {bootstrap_servers: [a:9092]}\nsources: {s: {connector: datagen, topic: '', enabled: true}}\n",
		"sink without consumer group":   "broker: {bootstrap_servers: [a:9092]}\nsinks: {s: {connector: stdout, topics: [t], enabled: true, start_offset: latest}}\n",
		"hyphenated redshift ssl mode":  "broker: {bootstrap_servers: [a:9092]}\nsinks: {s: {connector: redshift, topics: [t], consumer_group: g, enabled: true, start_offset: latest, config: {host: h, database: d, username: u, password: p, table: t, ssl_mode: verify-full}}}\n",
		"timestamp offset as a mapping": "broker: {bootstrap_servers: [a:9092]}\nsinks: {s: {connector: stdout, topics: [t], consumer_group: g, enabled: true, start_offset: {timestamp: '2024-01-01T00:00:00Z'}}}\n",
		"postgres without password":     "broker: {bootstrap_servers: [a:9092]}\nsources: {s: {connector: postgres-cdc, topic: t, enabled: true, config: {host: h, database: d, user: u}}}\n",
		"lowercase kafka protocol":      "broker: {bootstrap_servers: [a:9092]}\nsources: {s: {connector: kafka, topic: t, enabled: true, config: {brokers: k, topic: x, security: {protocol: sasl_ssl}}}}\n",
	}
	for name, file := range cases {
		t.Run(name, func(t *testing.T) {
			if p := checkLikeBinary(parse(t, []byte(file))); len(p) == 0 {
				t.Error("not reported")
			}
		})
	}
}
