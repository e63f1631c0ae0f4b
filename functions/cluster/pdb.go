package cluster

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// podDisruptionBudget limits voluntary evictions (node drains) of brokers.
// By default at most one broker is down at a time, which keeps a Raft
// majority and min-ISR for clusters of three or more.
func podDisruptionBudget(name, ns string, s clusterv1alpha1.RivvenClusterSpec) *policyv1.PodDisruptionBudget {
	spec := policyv1.PodDisruptionBudgetSpec{Selector: &metav1.LabelSelector{MatchLabels: selectorLabels(name)}}
	switch p := s.PodDisruptionBudget; {
	case p.MinAvailable != nil:
		spec.MinAvailable = p.MinAvailable
	case p.MaxUnavailable != nil:
		spec.MaxUnavailable = p.MaxUnavailable
	default:
		one := intstr.FromInt32(1)
		spec.MaxUnavailable = &one
	}
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: metav1.ObjectMeta{Name: pdbName(name), Namespace: ns, Labels: commonLabels(name)},
		Spec:       spec,
	}
}
