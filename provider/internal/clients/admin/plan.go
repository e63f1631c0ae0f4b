package admin

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

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
	// Refused lists changes the broker could make but that are unsafe or
	// need an operation this provider does not perform, with the reason.
	// Nothing of such a plan is applied.
	Refused []string
	// NotApplied lists what the spec asks and the broker cannot hold at
	// all (for example ACLs on a broker without an ACL API). They are
	// reported on the resource, never sent and never retried; the rest of
	// the plan is applied.
	NotApplied []NotApplied
}

// NotApplied is one spec field the broker cannot hold, and why.
type NotApplied struct {
	// Field is the spec path, e.g. spec.acls.
	Field string
	// Reason says why, with the evidence a user can check.
	Reason string
}

// Empty reports whether the observed topic already matches everything the
// broker can hold.
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

// NotAppliedFor returns the entry for a spec field, if any.
func (p Plan) NotAppliedFor(field string) (NotApplied, bool) {
	for _, n := range p.NotApplied {
		if n.Field == field {
			return n, true
		}
	}
	return NotApplied{}, false
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

// PlanPartitions grows the partition count to the desired one, or refuses a
// shrink, which no broker here can make; broker names it in the refusal. A
// desired count of 0 leaves the broker's default alone.
func (p *Plan) PlanPartitions(desired, observed Topic, broker string) {
	switch {
	case desired.Partitions == 0:
	case desired.Partitions > observed.Partitions:
		p.Partitions = desired.Partitions
	case desired.Partitions < observed.Partitions:
		p.Refused = append(p.Refused, fmt.Sprintf(
			"spec.partitions is %d but topic %q has %d partitions and %s cannot remove partitions; set spec.partitions to %d or more",
			desired.Partitions, observed.Name, observed.Partitions, broker, observed.Partitions))
	}
}

// PlanConfigs sets every desired key whose observed value differs, by
// equal, and resets every key set on the topic that the spec no longer sets.
// A key not set on the topic is compared with the broker's default where
// the observation has it.
func (p *Plan) PlanConfigs(desired, observed Topic, equal func(key, desired, observed string) bool) {
	for k, v := range desired.Configs {
		current, ok := observed.Configs[k]
		if !ok {
			current, ok = observed.Defaults[k]
		}
		if !ok || !equal(k, v, current) {
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
}
