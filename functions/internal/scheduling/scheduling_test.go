package scheduling

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestAffinity(t *testing.T) {
	sel := map[string]string{"app.kubernetes.io/name": "rivven", "app.kubernetes.io/instance": "p"}
	user := &corev1.Affinity{NodeAffinity: &corev1.NodeAffinity{}}
	cases := map[string]struct {
		user *corev1.Affinity
		want *corev1.Affinity
	}{
		"UserWins": {user: user, want: user},
		"DefaultSpreads": {want: &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{{
				Weight: 100,
				PodAffinityTerm: corev1.PodAffinityTerm{
					LabelSelector: &metav1.LabelSelector{MatchLabels: sel},
					TopologyKey:   "kubernetes.io/hostname",
				},
			}},
		}}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Affinity(tc.user, sel)); diff != "" {
				t.Errorf("Affinity (-want +got):\n%s", diff)
			}
		})
	}
}
