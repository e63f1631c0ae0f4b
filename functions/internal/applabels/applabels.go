// Package applabels is the one label convention of everything the functions
// compose: Kubernetes' recommended app.kubernetes.io labels.
//
// Selector labels (name, instance and, for the brokers, component) select a
// workload's pods; a StatefulSet's or Deployment's selector is immutable, so
// they never change. The other labels describe, and may be added to.
package applabels

import "maps"

// Keys of the recommended labels.
const (
	Name      = "app.kubernetes.io/name"
	Instance  = "app.kubernetes.io/instance"
	Component = "app.kubernetes.io/component"
	PartOf    = "app.kubernetes.io/part-of"
	ManagedBy = "app.kubernetes.io/managed-by"
)

// Values shared by both functions.
const (
	// PartOfRivven groups the brokers and the pipelines as one application.
	PartOfRivven = "rivven"
	// ManagedByCrossplane is the tool that applies and owns the objects:
	// Crossplane (a function only proposes the desired state), the value a
	// platform engineer selects all composed objects by, whichever
	// function composed them.
	ManagedByCrossplane = "crossplane"
)

// Common returns selector plus the descriptive labels every composed object
// carries: component, part-of and managed-by. selector is not changed.
func Common(selector map[string]string, component string) map[string]string {
	l := maps.Clone(selector)
	if l == nil {
		l = map[string]string{}
	}
	l[Component] = component
	l[PartOf] = PartOfRivven
	l[ManagedBy] = ManagedByCrossplane
	return l
}

// Merge returns the user's labels (or annotations) overlaid with the
// function's own: ours win, because selectors and the config hash depend on
// them. Neither input is changed.
func Merge(user, ours map[string]string) map[string]string {
	out := make(map[string]string, len(user)+len(ours))
	maps.Copy(out, user)
	maps.Copy(out, ours)
	return out
}
