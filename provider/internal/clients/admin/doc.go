// Package admin is what the topic controller needs of a cluster, whatever
// protocol its brokers speak: the topic as desired or observed, the plan that
// turns one into the other, the small Admin interface each protocol's client
// implements (package kafka for the Kafka admin API, package rivven for
// rivvend's own protocol), and the pool that shares one client and one
// observation per cluster, so requests per poll grow with clusters, not
// topics.
package admin
