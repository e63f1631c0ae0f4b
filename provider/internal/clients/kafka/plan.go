package kafka

import (
	"fmt"
	"slices"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// Compute compares a desired and an observed topic. It never proposes a
// partition shrink or a replication factor change: those are refused, since
// Kafka cannot remove partitions and a replication change needs a partition
// reassignment this provider does not perform.
func Compute(desired, observed admin.Topic) admin.Plan {
	var p admin.Plan
	switch {
	case desired.Partitions == 0: // the broker's default, whatever it chose
	case desired.Partitions > observed.Partitions:
		p.Partitions = desired.Partitions
	case desired.Partitions < observed.Partitions:
		p.Refused = append(p.Refused, fmt.Sprintf(
			"spec.partitions is %d but topic %q has %d partitions and Kafka cannot remove partitions; set spec.partitions to %d or more",
			desired.Partitions, observed.Name, observed.Partitions, observed.Partitions))
	}
	if desired.ReplicationFactor != 0 && desired.ReplicationFactor != observed.ReplicationFactor {
		p.Refused = append(p.Refused, fmt.Sprintf(
			"spec.replicationFactor is %d but topic %q has replication factor %d; changing it needs a partition reassignment, which this provider does not perform",
			desired.ReplicationFactor, observed.Name, observed.ReplicationFactor))
	}
	for k, v := range desired.Configs {
		if ov, ok := observed.Configs[k]; !ok || !configEqual(k, v, ov) {
			if p.SetConfigs == nil {
				p.SetConfigs = map[string]string{}
			}
			p.SetConfigs[k] = v
		}
	}
	for k := range observed.Configs {
		if _, ok := desired.Configs[k]; !ok {
			p.DeleteConfigs = append(p.DeleteConfigs, k)
		}
	}
	slices.Sort(p.DeleteConfigs)
	p.AddACLs, p.RemoveACLs = admin.DiffACLs(desired.ACLs, observed.ACLs)
	return p
}
