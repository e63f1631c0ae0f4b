package v1alpha1

import xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

// Condition types a RivvenTopic reports beside Ready and Synced. Each says
// whether one part of the spec is held by the broker, as observed there:
// the broker may create the topic and still be unable to hold some of what
// the spec asks, and a status must never claim what was not observed.
const (
	// TypeACLsApplied is reported when spec.acls is set.
	TypeACLsApplied xpv2.ConditionType = "ACLsApplied"
	// TypeReplicationFactorApplied compares spec.replicationFactor with
	// the copies the broker keeps of the topic.
	TypeReplicationFactorApplied xpv2.ConditionType = "ReplicationFactorApplied"
)

// Condition reasons.
const (
	// ReasonApplied: the broker holds what the spec asks, as observed.
	ReasonApplied xpv2.ConditionReason = "Applied"
	// ReasonPending: the broker can hold it and the provider is changing it.
	ReasonPending xpv2.ConditionReason = "Pending"
	// ReasonUnsupportedByBroker: the broker cannot hold it at all; the
	// message names the field and gives the evidence. Nothing is sent
	// and nothing is retried.
	ReasonUnsupportedByBroker xpv2.ConditionReason = "UnsupportedByBroker"
	// ReasonRefused: the broker could, but the change is unsafe or needs
	// an operation the provider does not perform (Synced says why).
	ReasonRefused xpv2.ConditionReason = "Refused"
)
