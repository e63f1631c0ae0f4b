package kafka

import (
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// connIdleTimeout keeps a client's broker connections open across polls.
// franz-go sends each "any broker" request (Metadata, DescribeConfigs,
// DescribeACLs) to the next of the brokers and a seed in turn, so one
// connection may serve nothing for a few poll intervals; with franz-go's
// default of 30s every connection idle that long was closed, and each poll
// paid new handshakes (ApiVersions) for them. A connection unused for
// admin.IdlePolls intervals belongs to a client the pool closes anyway.
func connIdleTimeout(poll time.Duration) time.Duration {
	// franz-go accepts 100ms to 15 minutes.
	return min(max(admin.IdlePolls*poll, 30*time.Second), 15*time.Minute)
}

// Factory builds the Kafka admin clients of a pool polling every poll.
func Factory(poll time.Duration) func(admin.Connection) (admin.Admin, error) {
	return func(c admin.Connection) (admin.Admin, error) {
		return NewAdmin(c, kgo.ConnIdleTimeout(connIdleTimeout(poll)))
	}
}
