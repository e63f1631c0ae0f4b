// Package clients picks each cluster's admin client by the protocol its
// provider config names.
package clients

import (
	"fmt"
	"time"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/kafka"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/rivven"
)

// Factory builds the admin client of a connection for a pool polling every
// poll: rivvend's own protocol, or the Kafka admin API.
func Factory(poll time.Duration) func(admin.Connection) (admin.Admin, error) {
	kafkaAdmin, rivvenAdmin := kafka.Factory(poll), rivven.Factory()
	return func(c admin.Connection) (admin.Admin, error) {
		switch c.Protocol {
		case admin.ProtocolKafka:
			return kafkaAdmin(c)
		case admin.ProtocolRivven:
			return rivvenAdmin(c)
		}
		return nil, fmt.Errorf("spec.protocol %q is not Rivven or Kafka", c.Protocol)
	}
}
