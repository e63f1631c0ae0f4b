package pipeline

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

func seedSpec(t testing.TB) v1alpha1.RivvenConnectSpec {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	b, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "connect", "cdc-pipeline.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rc := &v1alpha1.RivvenConnect{}
	if err := yaml.UnmarshalStrict(b, rc); err != nil {
		t.Fatal(err)
	}
	return rc.Spec
}

func TestSeedPipeline(t *testing.T) {
	res, err := Build(Input{Spec: seedSpec(t), Broker: testBroker, ForceHealth: true})
	if err != nil {
		t.Fatal(err)
	}
	doc := parse(t, res.File)
	checks := []struct {
		path []string
		want any
	}{
		{[]string{"broker", "bootstrap_servers"}, []any{"rivven-production.default.svc:9092"}},
		// publication: rivven_pub must reach the binary's key.
		{[]string{"sources", "postgres-cdc", "config", "publication_name"}, "rivven_pub"},
		{[]string{"sources", "postgres-cdc", "config", "heartbeat_interval_secs"}, 10},
		{[]string{"sinks", "s3-archive", "start_offset"}, "earliest"},
		{[]string{"sinks", "s3-archive", "topics"}, []any{"cdc.*"}},
		{[]string{"sinks", "custom-webhook", "config"}, map[string]any{"customField": "value", "nested": map[string]any{"option": true}}},
		{[]string{"settings", "health"}, map[string]any{"enabled": true, "port": 8080, "path": "/health"}},
		{[]string{"settings", "metrics"}, map[string]any{"enabled": true, "port": 9091}},
		{[]string{"settings", "topic"}, map[string]any{"auto_create": true, "default_partitions": 3, "default_replication_factor": 2}},
		{[]string{"settings", "retry"}, map[string]any{"max_retries": 10, "initial_backoff_ms": 100, "max_backoff_ms": 30000}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, get(t, doc, c.path...)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", strings.Join(c.path, "."), diff)
		}
	}
	if _, ok := doc["sources"].(map[string]any)["postgres-cdc"].(map[string]any)["config"].(map[string]any)["publication"]; ok {
		t.Error("the seed's key publication must not reach the file: rivven-connect ignores it")
	}
	// Each honest limitation is reported, naming its field.
	for _, want := range []string{
		"spec.sinks[0].topics[0]",                           // cdc.* wildcard
		"spec.sinks[0].s3.compression",                      // zstd
		"spec.sinks[1].stdout.pretty",                       // no indented JSON
		"spec.sinks[2].connector",                           // my-custom-sink
		"spec.sources[0].postgresCdc.tables[1].columnMasks", // fixed mask
	} {
		found := false
		for _, w := range res.Warnings {
			found = found || strings.HasPrefix(w, want)
		}
		if !found {
			t.Errorf("no warning for %s in %q", want, res.Warnings)
		}
	}
	if res.EnabledSources != 1 || res.TotalSources != 1 || res.EnabledSinks != 3 || res.TotalSinks != 3 {
		t.Errorf("counts = %d/%d sources, %d/%d sinks", res.EnabledSources, res.TotalSources, res.EnabledSinks, res.TotalSinks)
	}
}

// TestSecretsSurviveExpansion feeds hostile credential values through the
// same text substitution rivven-connect performs and checks the parsed
// result is exactly the value, typed as the binary expects.
func TestSecretsSurviveExpansion(t *testing.T) {
	res, err := Build(Input{Spec: seedSpec(t), Broker: testBroker})
	if err != nil {
		t.Fatal(err)
	}
	password := `p@ss: #word' "quoted" {braces} [x], & *star ${NOT_A_VAR} - yes`
	env := map[string]string{
		"RIVVEN_SOURCE_POSTGRES_CDC__host":          "db.example.com",
		"RIVVEN_SOURCE_POSTGRES_CDC__database":      "true",
		"RIVVEN_SOURCE_POSTGRES_CDC__user":          "007",
		"RIVVEN_SOURCE_POSTGRES_CDC__password":      password,
		"RIVVEN_SINK_S3_ARCHIVE__access_key_id":     "AKIA:X",
		"RIVVEN_SINK_S3_ARCHIVE__secret_access_key": "#secret",
	}
	doc := parse(t, expand(res.File, env))
	cfg := get(t, doc, "sources", "postgres-cdc", "config").(map[string]any)
	want := map[string]any{"host": "db.example.com", "database": "true", "user": "007", "password": password, "port": 5432}
	for k, v := range want {
		if diff := cmp.Diff(v, cfg[k]); diff != "" {
			t.Errorf("config.%s after expansion (-want +got):\n%s", k, diff)
		}
	}
	s3 := get(t, doc, "sinks", "s3-archive", "config", "s3").(map[string]any)
	if s3["access_key_id"] != "AKIA:X" || s3["secret_access_key"] != "#secret" {
		t.Errorf("s3 credentials after expansion = %v", s3)
	}
	// A port set in the Secret wins over the default.
	env["RIVVEN_SOURCE_POSTGRES_CDC__port"] = "6543"
	doc = parse(t, expand(res.File, env))
	if got := get(t, doc, "sources", "postgres-cdc", "config", "port"); got != 6543 {
		t.Errorf("port from the Secret = %v, want 6543", got)
	}
}

// TestNoInlineCredentials walks every example's file: each credential key
// holds a ${VAR} reference, never a value.
func TestNoInlineCredentials(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	files, _ := filepath.Glob(filepath.Join(filepath.Dir(file), "..", "..", "..", "examples", "connect", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no examples")
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		rc := &v1alpha1.RivvenConnect{}
		if err := yaml.Unmarshal(b, rc); err != nil {
			t.Fatal(err)
		}
		res, err := Build(Input{Spec: rc.Spec, Broker: testBroker})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var walk func(v any, path string)
		walk = func(v any, path string) {
			switch x := v.(type) {
			case map[string]any:
				for k, e := range x {
					if s, ok := e.(string); ok && sensitiveKeys[k] && !isEnvRef(s) {
						t.Errorf("%s: %s.%s holds %q, not a ${VAR} reference", filepath.Base(f), path, k, s)
					}
					walk(e, path+"."+k)
				}
			case []any:
				for _, e := range x {
					walk(e, path)
				}
			}
		}
		walk(parse(t, res.File), "")
	}
}

func TestEnvPrefixesNeverCollide(t *testing.T) {
	names := []string{"a", "a-b", "a-b-c", "ab", "a1", "b", "s3", "s3-archive", "s-3"}
	type owner struct {
		sink bool
		name string
	}
	seen := map[string]owner{}
	var prefixes []string
	for _, sink := range []bool{false, true} {
		for _, n := range names {
			p := EnvPrefix(sink, n)
			if o, dup := seen[p]; dup {
				t.Errorf("%+v and %+v share prefix %s", o, owner{sink, n}, p)
			}
			seen[p] = owner{sink, n}
			prefixes = append(prefixes, p)
		}
	}
	// Prefix-free: otherwise key "B__x" of connector "a" would equal key
	// "x" of connector "a-b".
	for _, p := range prefixes {
		for _, q := range prefixes {
			if p != q && strings.HasPrefix(q, p) {
				t.Errorf("prefix %s is a prefix of %s", p, q)
			}
		}
	}
	// Variable names rivven-connect can expand.
	for _, p := range prefixes {
		if !isEnvRef("${" + p + "password}") {
			t.Errorf("%spassword is not an expandable variable name", p)
		}
	}
}

func TestBuildRejects(t *testing.T) {
	pg := func(mut func(*v1alpha1.SourceConnectorSpec)) v1alpha1.RivvenConnectSpec {
		s := v1alpha1.SourceConnectorSpec{Name: "pg", Connector: "postgres-cdc", Topic: "t", ConfigSecretRef: "c",
			PostgresCdc: &v1alpha1.PostgresCdcConfig{}}
		mut(&s)
		return v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{s}}
	}
	sk := func(mut func(*v1alpha1.SinkConnectorSpec)) v1alpha1.RivvenConnectSpec {
		s := v1alpha1.SinkConnectorSpec{Name: "out", Connector: "stdout", Topics: []string{"t"}, ConsumerGroup: "g"}
		mut(&s)
		return v1alpha1.RivvenConnectSpec{Sinks: []v1alpha1.SinkConnectorSpec{s}}
	}
	cases := map[string]struct {
		spec   v1alpha1.RivvenConnectSpec
		broker *Broker
		want   string
	}{
		"empty pipeline":       {spec: v1alpha1.RivvenConnectSpec{}, want: "spec.sources and spec.sinks are both empty"},
		"no bootstrap servers": {spec: sk(func(*v1alpha1.SinkConnectorSpec) {}), broker: &Broker{}, want: "no bootstrap servers"},
		"duplicate source names": {
			spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{
				{Name: "a", Connector: "datagen", Topic: "t"}, {Name: "a", Connector: "datagen", Topic: "u"}}},
			want: `spec.sources[1].name: "a" is already used by spec.sources[0]`,
		},
		"duplicate sink names": {
			spec: v1alpha1.RivvenConnectSpec{Sinks: []v1alpha1.SinkConnectorSpec{
				{Name: "a", Connector: "stdout", Topics: []string{"t"}, ConsumerGroup: "g"},
				{Name: "a", Connector: "stdout", Topics: []string{"t"}, ConsumerGroup: "h"}}},
			want: `spec.sinks[1].name: "a" is already used by spec.sinks[0]`,
		},
		"generic config repeats a typed key": {
			spec: pg(func(s *v1alpha1.SourceConnectorSpec) {
				s.PostgresCdc.SlotName = "a"
				s.Config = rawJSON(t, map[string]any{"slot_name": "b"})
			}),
			want: "spec.sources[0].config.slot_name: also set by the typed block",
		},
		"inline password in generic config": {
			spec: sk(func(s *v1alpha1.SinkConnectorSpec) {
				s.Connector = "http-webhook"
				s.Config = rawJSON(t, map[string]any{"url": "https://x", "auth": map[string]any{"type": "basic", "username": "u", "password": "hunter2"}})
			}),
			want: "spec.sinks[0].config.auth.password: a credential must not be written inline",
		},
		"inline SASL password in generic config": {
			spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{{Name: "k", Connector: "kafka", Topic: "t",
				Config: rawJSON(t, map[string]any{"security": map[string]any{"sasl_password": "hunter2"}})}}},
			want: "spec.sources[0].config.security.sasl_password",
		},
		"inline authorization header": {
			spec: sk(func(s *v1alpha1.SinkConnectorSpec) {
				s.Connector = "http"
				s.HTTP = &v1alpha1.HTTPSinkConfig{URL: "https://x", Headers: map[string]string{"Authorization": "Bearer abc"}}
			}),
			want: "spec.sinks[0].http.headers.Authorization: a credential must not be written inline",
		},
		"invalid timestamp": {
			spec: sk(func(s *v1alpha1.SinkConnectorSpec) { s.StartOffset = "2024-13-01T00:00:00Z" }),
			want: "spec.sinks[0].startOffset",
		},
		"topic routing on a non-CDC source": {
			spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{{Name: "g", Connector: "datagen", Topic: "t", TopicRouting: "{table}"}}},
			want: "spec.sources[0].topicRouting",
		},
		"SASL without a SASL protocol": {
			spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{{Name: "k", Connector: "kafka-source", Topic: "t", ConfigSecretRef: "s",
				Kafka: &v1alpha1.KafkaSourceConfig{Brokers: []string{"k:9092"}, Topic: "x", ConsumerGroup: "g", SecurityProtocol: "ssl", SaslMechanism: "plain"}}}},
			want: "spec.sources[0].kafka.securityProtocol",
		},
		"mysql column rules without a database": {
			spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{{Name: "m", Connector: "mysql-cdc", Topic: "t", ConfigSecretRef: "s",
				MysqlCdc: &v1alpha1.MysqlCdcConfig{Tables: []v1alpha1.TableSpec{{Table: "orders", Columns: []string{"id"}}}}}}},
			want: "spec.sources[0].mysqlCdc.tables[0].schema",
		},
		"columns overlap excludeColumns": {
			spec: pg(func(s *v1alpha1.SourceConnectorSpec) {
				s.PostgresCdc.Tables = []v1alpha1.TableSpec{{Table: "o", Columns: []string{"id", "x"}, ExcludeColumns: []string{"x"}}}
			}),
			want: `spec.sources[0].postgresCdc.tables[0].excludeColumns: column "x" is also listed in columns`,
		},
		"duplicate table": {
			spec: pg(func(s *v1alpha1.SourceConnectorSpec) {
				s.PostgresCdc.Tables = []v1alpha1.TableSpec{{Table: "o"}, {Schema: "public", Table: "o"}}
			}),
			want: "spec.sources[0].postgresCdc.tables[1]: table public.o is already listed",
		},
		"gcs without any credentials": {
			spec: sk(func(s *v1alpha1.SinkConnectorSpec) {
				s.Connector = "gcs"
				s.GCS = &v1alpha1.GcsSinkConfig{Bucket: "b", UseAdc: ptr(false)}
			}),
			want: "spec.sinks[0].gcs.useAdc",
		},
		"bad backoff multiplier": {
			spec: func() v1alpha1.RivvenConnectSpec {
				s := sk(func(*v1alpha1.SinkConnectorSpec) {})
				s.Settings = &v1alpha1.ConnectSettings{Retry: &v1alpha1.RetrySettings{BackoffMultiplier: "0.5"}}
				return s
			}(),
			want: "spec.settings.retry.backoffMultiplier",
		},
		"health and metrics on one port": {
			spec: func() v1alpha1.RivvenConnectSpec {
				s := sk(func(*v1alpha1.SinkConnectorSpec) {})
				s.Settings = &v1alpha1.ConnectSettings{Health: &v1alpha1.HealthSettings{Enabled: ptr(true), Port: ptr(int32(9000))},
					Metrics: &v1alpha1.MetricsSettings{Enabled: ptr(true), Port: ptr(int32(9000))}}
				return s
			}(),
			want: "spec.settings.metrics.port: 9000 is also the health port",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			b := testBroker
			if tc.broker != nil {
				b = *tc.broker
			}
			res, err := Build(Input{Spec: tc.spec, Broker: b})
			if err == nil {
				t.Fatalf("built a pipeline; want an error containing %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if res.File != nil {
				t.Error("a file was rendered despite the error")
			}
		})
	}
	if _, err := Build(Input{Broker: testBroker}); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty pipeline error = %v, want ErrEmpty", err)
	}
}

// TestDeterministic builds the same spec repeatedly; map iteration order
// differs between runs, the bytes must not.
func TestDeterministic(t *testing.T) {
	spec := seedSpec(t)
	first, err := Build(Input{Spec: spec, Broker: testBroker, ForceHealth: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 50 {
		again, err := Build(Input{Spec: spec, Broker: testBroker, ForceHealth: true})
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.File, again.File) {
			t.Fatalf("output differs between runs:\n%s\n---\n%s", first.File, again.File)
		}
		if diff := cmp.Diff(first.Warnings, again.Warnings); diff != "" {
			t.Fatalf("warnings differ:\n%s", diff)
		}
	}
}

func TestBrokerTLSBlock(t *testing.T) {
	res, err := Build(Input{Spec: seedSpec(t), Broker: Broker{
		BootstrapServers: []string{"a:9092", "b:9092"},
		TLS:              &BrokerTLS{CAPath: "/ca.crt", CertPath: "/tls.crt", KeyPath: "/tls.key", ServerName: "a"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"bootstrap_servers": []any{"a:9092", "b:9092"},
		"tls":               map[string]any{"enabled": true, "ca_path": "/ca.crt", "cert_path": "/tls.crt", "key_path": "/tls.key", "server_name": "a"},
	}
	if diff := cmp.Diff(want, get(t, parse(t, res.File), "broker")); diff != "" {
		t.Errorf("broker (-want +got):\n%s", diff)
	}
}
