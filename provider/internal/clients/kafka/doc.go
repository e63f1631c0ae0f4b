// Package kafka talks to a cluster's Kafka admin API with franz-go. Pure
// decisions (which config keys are valid, how desired and observed topics
// differ, which ACLs to add or remove) live in files of their own with no
// I/O, so they are tested without a broker; the rest wraps kadm/kmsg behind
// the small Admin interface and caches clients and observations per cluster.
package kafka
