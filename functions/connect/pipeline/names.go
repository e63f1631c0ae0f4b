package pipeline

import "strings"

// sourceConnectors maps the connector names the API accepts to the names
// rivven-connect's registry matches exactly (FACTS §3). The seed's
// "-source" spellings of the queue connectors are translated; every other
// name is passed through.
var sourceConnectors = map[string]string{ //nolint:gochecknoglobals // Read-only lookup table.
	"postgres-cdc":  "postgres-cdc",
	"mysql-cdc":     "mysql-cdc",
	"sqlserver-cdc": "sqlserver-cdc",
	"datagen":       "datagen",
	"http":          "http",
	"kafka-source":  "kafka",
	"kafka":         "kafka",
	"mqtt-source":   "mqtt",
	"mqtt":          "mqtt",
	"sqs-source":    "sqs",
	"sqs":           "sqs",
	"pubsub-source": "pubsub",
	"pubsub":        "pubsub",
	"rdbc-source":   "rdbc-source",
}

// sinkConnectors is sourceConnectors for sinks. "http" with a typed block
// becomes http-webhook (see sinkConnectorName).
var sinkConnectors = map[string]string{ //nolint:gochecknoglobals // Read-only lookup table.
	"stdout":         "stdout",
	"http":           "http",
	"http-webhook":   "http-webhook",
	"kafka-sink":     "kafka",
	"kafka":          "kafka",
	"sqs":            "sqs",
	"s3":             "s3",
	"gcs":            "gcs",
	"azure-blob":     "azure-blob",
	"object-storage": "object-storage",
	"snowflake":      "snowflake",
	"bigquery":       "bigquery",
	"redshift":       "redshift",
	"databricks":     "databricks",
	"clickhouse":     "clickhouse",
	"qdrant":         "qdrant",
	"pinecone":       "pinecone",
	"s3-vectors":     "s3-vectors",
	"iceberg":        "iceberg",
	"delta-lake":     "delta-lake",
	"rdbc-sink":      "rdbc-sink",
}

// Environment variable prefixes of connector Secrets.
const (
	sourceEnvPrefix = "RIVVEN_SOURCE_"
	sinkEnvPrefix   = "RIVVEN_SINK_"
)

// EnvPrefix is the prefix every key of a connector's Secret gets as an
// environment variable: RIVVEN_SOURCE_<NAME>__ or RIVVEN_SINK_<NAME>__.
// Connector names match ^[a-z0-9]+(-[a-z0-9]+)*$, so the upper-cased name
// with '-' as '_' never contains "__": the first "__" after the kind prefix
// ends the name, and no two (kind, name, key) triples share a variable.
func EnvPrefix(sink bool, name string) string {
	p := sourceEnvPrefix
	if sink {
		p = sinkEnvPrefix
	}
	return p + strings.ToUpper(strings.ReplaceAll(name, "-", "_")) + "__"
}

// SecretMountDir is where a connector's Secret is mounted read-only, so
// file credentials (service-account JSON, private keys) have a path.
func SecretMountDir(sink bool, name string) string {
	if sink {
		return "/etc/rivven-connect/secrets/sinks/" + name
	}
	return "/etc/rivven-connect/secrets/sources/" + name
}
