package kafka

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Topic is a topic as the provider wants it or as the broker reports it.
type Topic struct {
	Name              string
	ID                string // broker topic id; empty in a desired Topic
	Partitions        int32
	ReplicationFactor int32
	// Configs holds the topic-level values: for a desired topic every key
	// the spec sets, for an observed topic every key set on the topic (not
	// broker defaults).
	Configs map[string]string
	ACLs    []ACL // sorted
}

// Plan is what must change on the broker to turn an observed topic into the
// desired one. A plan with Refused entries must not be applied at all.
type Plan struct {
	// Partitions is the new total partition count, 0 when unchanged.
	Partitions int32
	// SetConfigs are keys to set (new or changed values).
	SetConfigs map[string]string
	// DeleteConfigs are keys set on the topic but absent from the spec;
	// deleting them returns the broker default.
	DeleteConfigs []string
	AddACLs       []ACL
	RemoveACLs    []ACL
	// Refused lists changes Kafka cannot make safely, with the reason.
	Refused []string
}

// Empty reports whether the observed topic already matches.
func (p Plan) Empty() bool {
	return p.Partitions == 0 && len(p.SetConfigs) == 0 && len(p.DeleteConfigs) == 0 &&
		len(p.AddACLs) == 0 && len(p.RemoveACLs) == 0 && len(p.Refused) == 0
}

// RefusedError is the error for a plan with refused changes.
func (p Plan) RefusedError() error {
	if len(p.Refused) == 0 {
		return nil
	}
	return fmt.Errorf("refusing to change the topic, nothing was applied: %s", strings.Join(p.Refused, "; "))
}

// Summary describes the plan in one line for events and logs. It names keys
// and ACLs, never values, so nothing sensitive leaks.
func (p Plan) Summary() string {
	var parts []string
	if p.Partitions > 0 {
		parts = append(parts, fmt.Sprintf("partitions to %d", p.Partitions))
	}
	if len(p.SetConfigs) > 0 {
		parts = append(parts, "set "+strings.Join(slices.Sorted(maps.Keys(p.SetConfigs)), ","))
	}
	if len(p.DeleteConfigs) > 0 {
		parts = append(parts, "reset "+strings.Join(p.DeleteConfigs, ","))
	}
	if len(p.AddACLs) > 0 {
		parts = append(parts, fmt.Sprintf("add %d ACLs", len(p.AddACLs)))
	}
	if len(p.RemoveACLs) > 0 {
		parts = append(parts, fmt.Sprintf("remove %d ACLs", len(p.RemoveACLs)))
	}
	return strings.Join(parts, "; ")
}

// Compute compares a desired and an observed topic. It never proposes a
// partition shrink or a replication factor change: those are refused, since
// Kafka cannot remove partitions and a replication change needs a partition
// reassignment this provider does not perform.
func Compute(desired, observed Topic) Plan {
	var p Plan
	switch {
	case desired.Partitions > observed.Partitions:
		p.Partitions = desired.Partitions
	case desired.Partitions < observed.Partitions:
		p.Refused = append(p.Refused, fmt.Sprintf(
			"spec.partitions is %d but topic %q has %d partitions and Kafka cannot remove partitions; set spec.partitions to %d or more",
			desired.Partitions, observed.Name, observed.Partitions, observed.Partitions))
	}
	if desired.ReplicationFactor != observed.ReplicationFactor {
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
	p.AddACLs, p.RemoveACLs = DiffACLs(desired.ACLs, observed.ACLs)
	return p
}
