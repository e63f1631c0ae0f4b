package topic

import (
	"errors"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/crossplane/crossplane-runtime/v2/pkg/event"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// Fields whose state the topic reports in a condition of its own.
const (
	fieldACLs              = "spec.acls"
	fieldReplicationFactor = "spec.replicationFactor"
)

// reasonNotApplied is the event reason when part of the spec turns out not
// to be held by the broker.
const reasonNotApplied event.Reason = "NotApplied"

// appliedConditions says, from one observation and the plan made from it,
// whether the broker holds the spec's ACLs and replication factor. They are
// pure: what the conditions say depends on nothing but what was observed.
func appliedConditions(cr *v1alpha1.RivvenTopic, desired, observed admin.Topic, plan admin.Plan) []xpv2.Condition {
	var out []xpv2.Condition
	if len(cr.Spec.ACLs) > 0 {
		c := xpv2.Condition{Type: v1alpha1.TypeACLsApplied}
		n, unsupported := plan.NotAppliedFor(fieldACLs)
		switch {
		case unsupported:
			c.Status, c.Reason, c.Message = "False", v1alpha1.ReasonUnsupportedByBroker, fmt.Sprintf("%s (%d entries) not applied: %s", fieldACLs, len(cr.Spec.ACLs), n.Reason)
		case len(plan.AddACLs) > 0 || len(plan.RemoveACLs) > 0:
			c.Status, c.Reason, c.Message = "False", v1alpha1.ReasonPending, fmt.Sprintf("%s: %d ACL entries to create and %d to delete on the broker", fieldACLs, len(plan.AddACLs), len(plan.RemoveACLs))
		default:
			c.Status, c.Reason, c.Message = "True", v1alpha1.ReasonApplied, fmt.Sprintf("%s: the broker holds the %d ACL entries of the spec", fieldACLs, len(desired.ACLs))
		}
		out = append(out, c)
	}
	c := xpv2.Condition{Type: v1alpha1.TypeReplicationFactorApplied}
	n, unsupported := plan.NotAppliedFor(fieldReplicationFactor)
	switch {
	case unsupported:
		c.Status, c.Reason, c.Message = "False", v1alpha1.ReasonUnsupportedByBroker, fmt.Sprintf("%s %d not applied: %s", fieldReplicationFactor, desired.ReplicationFactor, n.Reason)
	case desired.ReplicationFactor == 0:
		c.Status, c.Reason, c.Message = "True", v1alpha1.ReasonApplied, fmt.Sprintf("%s is not set: the broker's default applies, and it keeps %d copies of each partition", fieldReplicationFactor, observed.ReplicationFactor)
	case desired.ReplicationFactor != observed.ReplicationFactor:
		c.Status, c.Reason, c.Message = "False", v1alpha1.ReasonRefused, fmt.Sprintf("%s is %d but the broker keeps %d copies of each partition", fieldReplicationFactor, desired.ReplicationFactor, observed.ReplicationFactor)
	default:
		c.Status, c.Reason, c.Message = "True", v1alpha1.ReasonApplied, fmt.Sprintf("the broker keeps %d copies of each partition, as %s asks", observed.ReplicationFactor, fieldReplicationFactor)
	}
	return append(out, c)
}

// report sets the applied conditions and records a Warning event when one
// turns False because the broker cannot hold the field, once per change of
// its message rather than once per poll.
func (e *External) report(cr *v1alpha1.RivvenTopic, desired, observed admin.Topic, plan admin.Plan) {
	for _, c := range appliedConditions(cr, desired, observed, plan) {
		c.ObservedGeneration = cr.GetGeneration()
		c.LastTransitionTime = metav1.Now() // kept when nothing else changed
		prev := cr.GetCondition(c.Type)
		if c.Reason == v1alpha1.ReasonUnsupportedByBroker && (prev.Reason != c.Reason || prev.Message != c.Message) && e.Recorder != nil {
			e.Recorder.Event(cr, event.Warning(reasonNotApplied, errors.New(c.Message)))
		}
		cr.SetConditions(c)
	}
}
