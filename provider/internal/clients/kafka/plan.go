package kafka

import (
	"fmt"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// Compute compares a desired and an observed topic. It never proposes a
// partition shrink or a replication factor change: those are refused, since
// Kafka cannot remove partitions and a replication change needs a partition
// reassignment this provider does not perform.
func Compute(desired, observed admin.Topic) admin.Plan {
	var p admin.Plan
	p.PlanPartitions(desired, observed, "Kafka")
	if desired.ReplicationFactor != 0 && desired.ReplicationFactor != observed.ReplicationFactor {
		p.Refused = append(p.Refused, fmt.Sprintf(
			"spec.replicationFactor is %d but topic %q has replication factor %d; changing it needs a partition reassignment, which this provider does not perform",
			desired.ReplicationFactor, observed.Name, observed.ReplicationFactor))
	}
	p.PlanConfigs(desired, observed, configEqual)
	p.AddACLs, p.RemoveACLs = admin.DiffACLs(desired.ACLs, observed.ACLs)
	return p
}
