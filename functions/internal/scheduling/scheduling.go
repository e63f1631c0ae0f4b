// Package scheduling holds the scheduling defaults of the composed pods.
package scheduling

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PreferDistinctNodes is the affinity used when the user sets none: the pods
// selected by selector prefer to run on different nodes, so one node
// failure takes out at most one of them, without leaving pods unscheduled
// on a cluster with fewer nodes than replicas.
func PreferDistinctNodes(selector map[string]string) *corev1.Affinity {
	return &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
			Weight: 100,
			PodAffinityTerm: corev1.PodAffinityTerm{
				LabelSelector: &metav1.LabelSelector{MatchLabels: selector},
				TopologyKey:   corev1.LabelHostname,
			},
		}},
	}}
}

// Affinity is the user's affinity, or PreferDistinctNodes when there is none.
func Affinity(user *corev1.Affinity, selector map[string]string) *corev1.Affinity {
	if user != nil {
		return user
	}
	return PreferDistinctNodes(selector)
}
