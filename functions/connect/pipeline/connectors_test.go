package pipeline

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// The expected entries below are written from rivven-connect's config
// structs (FACTS §2–§6), not from this package: key names, nesting and
// enum spellings are what the binary reads.

func TestSourceConnectors(t *testing.T) {
	cases := map[string]struct {
		spec         v1alpha1.SourceConnectorSpec
		want         map[string]any
		wantKeys     []string // required Secret keys
		wantWarnings int
	}{
		"postgres-cdc": {
			spec: v1alpha1.SourceConnectorSpec{
				Name: "pg", Connector: "postgres-cdc", Topic: "cdc.events", ConfigSecretRef: "pg-creds",
				PostgresCdc: &v1alpha1.PostgresCdcConfig{
					SlotName: "slot1", Publication: "pub1", SnapshotMode: "exported", DecodingPlugin: "pgoutput",
					IncludeTransactionMetadata: true, HeartbeatIntervalMs: 1500, SignalTable: "public.signals",
					Tables: []v1alpha1.TableSpec{
						{Table: "orders", Columns: []string{"id", "total"}},
						{Schema: "sales", Table: "customers", ExcludeColumns: []string{"notes"}, ColumnMasks: map[string]string{"phone": "x", "email": "y"}},
					},
				},
				TopicConfig: &v1alpha1.SourceTopicConfigSpec{Partitions: ptr(int32(6)), ReplicationFactor: ptr(int32(2))},
			},
			want: map[string]any{
				"connector": "postgres-cdc", "topic": "cdc.events", "enabled": true,
				"topic_config": map[string]any{"partitions": 6, "replication_factor": 2},
				"config": map[string]any{
					"host":                    "${RIVVEN_SOURCE_PG__host}",
					"port":                    "${RIVVEN_SOURCE_PG__port:-5432}",
					"database":                "${RIVVEN_SOURCE_PG__database}",
					"user":                    "${RIVVEN_SOURCE_PG__user}",
					"password":                "${RIVVEN_SOURCE_PG__password}",
					"slot_name":               "slot1",
					"publication_name":        "pub1",
					"snapshot":                map[string]any{"mode": "initial"},
					"heartbeat_interval_secs": 2,
					"transaction_topic":       map[string]any{"enabled": true},
					"signal":                  map[string]any{"enabled": true, "data_collection": "public.signals"},
					"tables":                  []any{"public.orders", "sales.customers"},
					"column_filters": map[string]any{
						"public.orders":   map[string]any{"include": []any{"id", "total"}},
						"sales.customers": map[string]any{"exclude": []any{"notes"}},
					},
					"transforms": []any{map[string]any{
						"type":      "mask_field",
						"predicate": map[string]any{"schema": "^sales$", "table": "^customers$"},
						"config":    map[string]any{"fields": []any{"email", "phone"}},
					}},
				},
			},
			wantKeys:     []string{"database", "host", "password", "user"},
			wantWarnings: 1, // mask texts
		},
		"mysql-cdc": {
			spec: v1alpha1.SourceConnectorSpec{
				Name: "my", Connector: "mysql-cdc", Topic: "t", ConfigSecretRef: "my-creds",
				MysqlCdc: &v1alpha1.MysqlCdcConfig{
					ServerID: ptr(int64(4242)), SnapshotMode: "schema_only", IncludeGtid: true, HeartbeatIntervalMs: 10000,
					DatabaseHistoryTopic: "schema.changes",
					Tables:               []v1alpha1.TableSpec{{Schema: "shop", Table: "orders", Columns: []string{"id"}}, {Table: "audit"}},
				},
			},
			want: map[string]any{
				"connector": "mysql-cdc", "topic": "t", "enabled": true,
				"config": map[string]any{
					"host":                    "${RIVVEN_SOURCE_MY__host}",
					"port":                    "${RIVVEN_SOURCE_MY__port:-3306}",
					"user":                    "${RIVVEN_SOURCE_MY__user}",
					"password":                "${RIVVEN_SOURCE_MY__password}",
					"server_id":               4242,
					"snapshot":                map[string]any{"mode": "schema_only"},
					"use_gtid":                true,
					"heartbeat_interval_secs": 10,
					"schema_change_topic":     map[string]any{"enabled": true, "topic_name": "schema.changes"},
					"include_tables":          []any{"shop.orders", "*.audit"},
					"column_filters":          map[string]any{"shop.orders": map[string]any{"include": []any{"id"}}},
				},
			},
			wantKeys:     []string{"host", "password", "user"},
			wantWarnings: 2, // includeGtid, tables
		},
		"http": {
			spec: v1alpha1.SourceConnectorSpec{Name: "poll", Connector: "http", Topic: "t",
				HTTP: &v1alpha1.HTTPSourceConfig{URL: "https://api.example.com/x", PollIntervalMs: ptr(int64(2000))}},
			want: map[string]any{"connector": "http", "topic": "t", "enabled": true,
				"config": map[string]any{"url": "https://api.example.com/x", "poll_interval_ms": 2000}},
		},
		"datagen defaults to the seed's 1 event/s": {
			spec: v1alpha1.SourceConnectorSpec{Name: "gen", Connector: "datagen", Topic: "t",
				Datagen: &v1alpha1.DatagenConfig{MaxEvents: 100, Seed: ptr(int64(7)), SchemaType: "json", Pattern: "orders"}},
			want: map[string]any{"connector": "datagen", "topic": "t", "enabled": true,
				"config": map[string]any{"events_per_second": 1, "max_events": 100, "seed": 7, "pattern": "orders"}},
		},
		"kafka-source with SASL": {
			spec: v1alpha1.SourceConnectorSpec{Name: "legacy", Connector: "kafka-source", Topic: "t", ConfigSecretRef: "kafka-creds",
				Kafka: &v1alpha1.KafkaSourceConfig{Brokers: []string{"k1:9092", "k2:9092"}, Topic: "orders", ConsumerGroup: "g",
					SecurityProtocol: "sasl_ssl", SaslMechanism: "scram-sha-512", SaslUsername: "svc"}},
			want: map[string]any{"connector": "kafka", "topic": "t", "enabled": true,
				"config": map[string]any{
					"brokers": "k1:9092,k2:9092", "topic": "orders", "consumer_group": "g", "start_offset": "latest",
					"security": map[string]any{"protocol": "SASL_SSL", "sasl_mechanism": "SCRAM-SHA-512",
						"sasl_username": "svc", "sasl_password": "${RIVVEN_SOURCE_LEGACY__sasl_password}"},
				}},
			wantKeys: []string{"sasl_password"},
		},
		"mqtt-source": {
			spec: v1alpha1.SourceConnectorSpec{Name: "iot", Connector: "mqtt-source", Topic: "t", ConfigSecretRef: "mqtt-creds",
				Mqtt: &v1alpha1.MqttSourceConfig{BrokerURL: "mqtt://broker:1883", Topics: []string{"sensors/+/temp"}, ClientID: "c1", Username: "dev"}},
			want: map[string]any{"connector": "mqtt", "topic": "t", "enabled": true,
				"config": map[string]any{"broker_url": "mqtt://broker:1883", "topics": []any{"sensors/+/temp"}, "client_id": "c1",
					"qos": "at_least_once", "clean_session": true,
					"auth": map[string]any{"username": "dev", "password": "${RIVVEN_SOURCE_IOT__password}"}}},
			wantKeys: []string{"password"},
		},
		"sqs-source": {
			spec: v1alpha1.SourceConnectorSpec{Name: "q", Connector: "sqs-source", Topic: "t", ConfigSecretRef: "aws",
				Sqs: &v1alpha1.SqsSourceConfig{QueueURL: "https://sqs.us-east-1.amazonaws.com/1/q", Region: "us-east-1",
					MaxMessages: ptr(int32(5)), WaitTimeSeconds: ptr(int32(10)), VisibilityTimeout: ptr(int32(60)),
					RoleArn: "arn:aws:iam::123456789012:role/r"}},
			want: map[string]any{"connector": "sqs", "topic": "t", "enabled": true,
				"config": map[string]any{"queue_url": "https://sqs.us-east-1.amazonaws.com/1/q", "region": "us-east-1",
					"max_messages": 5, "wait_time_seconds": 10, "visibility_timeout": 60,
					"auth": map[string]any{"role_arn": "arn:aws:iam::123456789012:role/r",
						"access_key_id": "${RIVVEN_SOURCE_Q__access_key_id}", "secret_access_key": "${RIVVEN_SOURCE_Q__secret_access_key}"}}},
			wantKeys: []string{"access_key_id", "secret_access_key"},
		},
		"pubsub-source with ADC": {
			spec: v1alpha1.SourceConnectorSpec{Name: "ps", Connector: "pubsub-source", Topic: "t",
				PubSub: &v1alpha1.PubSubSourceConfig{ProjectID: "proj", Subscription: "sub-1", MaxMessages: ptr(int32(50)), AckDeadlineSeconds: ptr(int32(60))}},
			want: map[string]any{"connector": "pubsub", "topic": "t", "enabled": true,
				"config": map[string]any{"project_id": "proj", "subscription": "sub-1", "max_messages": 50, "ack_deadline_seconds": 60,
					"auth": map[string]any{"use_adc": true}}},
		},
		"custom connector with generic config, disabled": {
			spec: v1alpha1.SourceConnectorSpec{Name: "x", Connector: "sqlserver-cdc", Topic: "t", Enabled: ptr(false),
				RateLimit: &v1alpha1.SourceRateLimitSpec{EventsPerSecond: 100, BurstSize: 20, MaxInFlight: 4}},
			want: map[string]any{"connector": "sqlserver-cdc", "topic": "t", "enabled": false,
				"rate_limit": map[string]any{"events_per_second": 100, "burst_size": 20, "max_in_flight": 4}},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := Build(oneSource(tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			got := get(t, parse(t, res.File), "sources", tc.spec.Name)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("source entry (-want +got):\n%s", diff)
			}
			var keys []string
			for _, s := range res.Secrets {
				keys = append(keys, s.RequiredKeys...)
			}
			if diff := cmp.Diff(tc.wantKeys, keys); diff != "" {
				t.Errorf("required Secret keys (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tc.wantWarnings {
				t.Errorf("warnings = %q, want %d", res.Warnings, tc.wantWarnings)
			}
		})
	}
}

func TestSinkConnectors(t *testing.T) {
	cases := map[string]struct {
		spec         v1alpha1.SinkConnectorSpec
		want         map[string]any
		wantKeys     []string
		wantWarnings int
	}{
		"s3 with unsupported compression": {
			spec: v1alpha1.SinkConnectorSpec{Name: "arch", Connector: "s3", Topics: []string{"a"}, ConsumerGroup: "g",
				StartOffset: "earliest", ConfigSecretRef: "s3-creds",
				S3: &v1alpha1.S3SinkConfig{Bucket: "lake", Region: "eu-west-1", EndpointURL: "http://minio:9000", ForcePathStyle: true,
					Prefix: "cdc", Format: "parquet", Compression: "zstd", BatchSize: ptr(int32(10000)), FlushIntervalSeconds: ptr(int32(60))},
				RateLimit: &v1alpha1.SinkRateLimitSpec{EventsPerSecond: 10000, BurstCapacity: ptr(int64(1000))}},
			want: map[string]any{"connector": "s3", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "earliest",
				"rate_limit": map[string]any{"events_per_second": 10000, "burst_capacity": 1000},
				"config": map[string]any{"provider": "s3", "bucket": "lake", "prefix": "cdc", "format": "parquet", "compression": "none",
					"batch_size": 10000, "flush_interval_secs": 60,
					"s3": map[string]any{"region": "eu-west-1", "endpoint": "http://minio:9000", "force_path_style": true,
						"access_key_id": "${RIVVEN_SINK_ARCH__access_key_id}", "secret_access_key": "${RIVVEN_SINK_ARCH__secret_access_key}"}}},
			wantKeys:     []string{"access_key_id", "secret_access_key"},
			wantWarnings: 1,
		},
		"gcs with mounted service account": {
			spec: v1alpha1.SinkConnectorSpec{Name: "g", Connector: "gcs", Topics: []string{"a"}, ConsumerGroup: "g", ConfigSecretRef: "gcp",
				GCS: &v1alpha1.GcsSinkConfig{Bucket: "b", Partitioning: "hourly", Compression: "gzip"}},
			want: map[string]any{"connector": "gcs", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"provider": "gcs", "bucket": "b", "format": "jsonl", "compression": "gzip", "partitioning": "hour",
					"gcs": map[string]any{"service_account_path": "/etc/rivven-connect/secrets/sinks/g/service_account.json"}}},
		},
		"azure-blob": {
			spec: v1alpha1.SinkConnectorSpec{Name: "az", Connector: "azure-blob", Topics: []string{"a"}, ConsumerGroup: "g", ConfigSecretRef: "az",
				AzureBlob: &v1alpha1.AzureBlobSinkConfig{AccountName: "acct", Container: "events", Partitioning: "daily"}},
			want: map[string]any{"connector": "azure-blob", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"provider": "azure", "bucket": "events", "format": "jsonl", "partitioning": "day",
					"azure": map[string]any{"account": "acct", "access_key": "${RIVVEN_SINK_AZ__access_key}"}}},
			wantKeys: []string{"access_key"},
		},
		"http becomes http-webhook": {
			spec: v1alpha1.SinkConnectorSpec{Name: "hook", Connector: "http", Topics: []string{"a"}, ConsumerGroup: "g",
				StartOffset: "2024-01-01T00:00:00Z",
				HTTP:        &v1alpha1.HTTPSinkConfig{URL: "https://hooks.example.com/{stream}", Method: "PUT", TimeoutMs: ptr(int64(2500)), Headers: map[string]string{"X-Team": "data"}}},
			want: map[string]any{"connector": "http-webhook", "topics": []any{"a"}, "consumer_group": "g", "enabled": true,
				"start_offset": map[string]any{"!timestamp": "2024-01-01T00:00:00Z"},
				"config": map[string]any{"url": "https://hooks.example.com/{stream}", "method": "PUT", "timeout_secs": 3, "batch_size": 100,
					"headers": map[string]any{"X-Team": "data"}}},
		},
		"stdout pretty without format": {
			spec: v1alpha1.SinkConnectorSpec{Name: "dbg", Connector: "stdout", Topics: []string{"a"}, ConsumerGroup: "g",
				Stdout: &v1alpha1.StdoutSinkConfig{Pretty: true, IncludeMetadata: ptr(false)}},
			want: map[string]any{"connector": "stdout", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"format": "pretty", "include_metadata": false}},
		},
		"kafka-sink": {
			spec: v1alpha1.SinkConnectorSpec{Name: "out", Connector: "kafka-sink", Topics: []string{"a"}, ConsumerGroup: "g",
				Kafka: &v1alpha1.KafkaSinkConfig{Brokers: []string{"k:9092"}, Topic: "mirror", Acks: "-1", Compression: "lz4", BatchSize: ptr(int32(32768))}},
			want: map[string]any{"connector": "kafka", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"brokers": "k:9092", "topic": "mirror", "acks": "all", "compression": "lz4",
					"batch_size_bytes": 32768, "linger_ms": 0}},
		},
		"snowflake": {
			spec: v1alpha1.SinkConnectorSpec{Name: "sf", Connector: "snowflake", Topics: []string{"a"}, ConsumerGroup: "g",
				Snowflake: &v1alpha1.SnowflakeSinkConfig{Account: "acme", User: "loader", PrivateKeyPath: "/etc/rivven-connect/secrets/sinks/sf/rsa_key.p8",
					Database: "DB", Schema: "PUBLIC", Table: "EVENTS", Warehouse: "WH", Role: "R", BatchSize: ptr(int32(500))}},
			want: map[string]any{"connector": "snowflake", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"account": "acme", "user": "loader", "private_key_path": "/etc/rivven-connect/secrets/sinks/sf/rsa_key.p8",
					"database": "DB", "schema": "PUBLIC", "table": "EVENTS", "warehouse": "WH", "role": "R", "batch_size": 500}},
		},
		"bigquery with autoCreateTable": {
			spec: v1alpha1.SinkConnectorSpec{Name: "bq", Connector: "bigquery", Topics: []string{"a"}, ConsumerGroup: "g",
				BigQuery: &v1alpha1.BigQuerySinkConfig{ProjectID: "p", DatasetID: "d", TableID: "t", CredentialsFile: "/k.json", AutoCreateTable: true}},
			want: map[string]any{"connector": "bigquery", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"project_id": "p", "dataset_id": "d", "table_id": "t", "credentials_file": "/k.json"}},
			wantWarnings: 1,
		},
		"redshift": {
			spec: v1alpha1.SinkConnectorSpec{Name: "rs", Connector: "redshift", Topics: []string{"a"}, ConsumerGroup: "g", ConfigSecretRef: "rs",
				Redshift: &v1alpha1.RedshiftSinkConfig{Host: "rs.example.com", Database: "dev", User: "loader", Table: "events", SslMode: "verify-full"}},
			want: map[string]any{"connector": "redshift", "topics": []any{"a"}, "consumer_group": "g", "enabled": true, "start_offset": "latest",
				"config": map[string]any{"host": "rs.example.com", "port": 5439, "database": "dev", "username": "loader",
					"password": "${RIVVEN_SINK_RS__password}", "schema": "public", "table": "events", "ssl_mode": "verifyfull", "batch_size": 1000}},
			wantKeys: []string{"password"},
		},
		"custom sink keeps generic config verbatim": {
			spec: v1alpha1.SinkConnectorSpec{Name: "c", Connector: "my-custom-sink", Topics: []string{"a"}, ConsumerGroup: "g",
				OffsetCommitInterval: ptr(int64(50))},
			want: map[string]any{"connector": "my-custom-sink", "topics": []any{"a"}, "consumer_group": "g", "enabled": true,
				"start_offset": "latest", "offset_commit_interval": 50},
			wantWarnings: 1,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := Build(oneSink(tc.spec))
			if err != nil {
				t.Fatal(err)
			}
			got := get(t, parse(t, res.File), "sinks", tc.spec.Name)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("sink entry (-want +got):\n%s", diff)
			}
			var keys []string
			for _, s := range res.Secrets {
				keys = append(keys, s.RequiredKeys...)
			}
			if diff := cmp.Diff(tc.wantKeys, keys); diff != "" {
				t.Errorf("required Secret keys (-want +got):\n%s", diff)
			}
			if len(res.Warnings) != tc.wantWarnings {
				t.Errorf("warnings = %q, want %d", res.Warnings, tc.wantWarnings)
			}
		})
	}
}
