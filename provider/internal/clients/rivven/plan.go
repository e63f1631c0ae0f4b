package rivven

import (
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// Copies is the replication factor of every topic rivvend 0.0.22 creates
// through its client protocol: CreateTopic carries only a name and a
// partition count, and the topic lives only on the broker that received it
// (PROTOCOL.md §3.1, §3.2), so each partition has one copy.
const Copies = 1

// Reasons for what rivvend cannot hold, as the topic's conditions and
// events quote them.
const (
	reasonNoACLs = "rivvend 0.0.22 has no ACL API: no request of its client protocol, no HTTP route, CLI command, flag, " +
		"environment variable or file creates principals or ACLs, and the broker starts with none; the ACLs are kept as desired state only"
	reasonNoReplicationFactor = "rivvend 0.0.22 has no per-topic replication factor: its CreateTopic request carries only a name and a " +
		"partition count, and a topic created through the client protocol lives on the broker that received it, one copy per partition"
)

// Compute compares a desired and an observed topic on rivvend. Partitions
// only grow; configs are set, or reset where the spec no longer sets them;
// ACLs and a replication factor other than rivvend's one copy cannot be
// held at all and are reported, never sent.
func Compute(desired, observed admin.Topic) admin.Plan {
	var p admin.Plan
	p.PlanPartitions(desired, observed, "rivvend")
	if desired.ReplicationFactor != 0 && desired.ReplicationFactor != observed.ReplicationFactor {
		p.NotApplied = append(p.NotApplied, admin.NotApplied{Field: "spec.replicationFactor", Reason: reasonNoReplicationFactor})
	}
	if len(desired.ACLs) > 0 {
		p.NotApplied = append(p.NotApplied, admin.NotApplied{Field: "spec.acls", Reason: reasonNoACLs})
	}
	p.PlanConfigs(desired, observed, configEqual)
	return p
}
