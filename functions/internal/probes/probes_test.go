package probes

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
)

func TestTuned(t *testing.T) {
	h := corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health", Port: intstr.FromString("http")}}
	def := corev1.Probe{InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3}
	cases := map[string]struct {
		settings *commonv1alpha1.ProbeSettings
		want     *corev1.Probe
	}{
		"Defaults": {
			want: &corev1.Probe{ProbeHandler: h, InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3},
		},
		"EnabledWithoutTiming": {
			settings: &commonv1alpha1.ProbeSettings{Enabled: ptr.To(true)},
			want:     &corev1.Probe{ProbeHandler: h, InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3},
		},
		"EveryTimingField": {
			settings: &commonv1alpha1.ProbeSettings{InitialDelaySeconds: ptr.To[int32](0), PeriodSeconds: ptr.To[int32](2), TimeoutSeconds: ptr.To[int32](9), FailureThreshold: ptr.To[int32](7)},
			want:     &corev1.Probe{ProbeHandler: h, InitialDelaySeconds: 0, PeriodSeconds: 2, TimeoutSeconds: 9, FailureThreshold: 7},
		},
		"OneTimingField": {
			settings: &commonv1alpha1.ProbeSettings{PeriodSeconds: ptr.To[int32](30)},
			want:     &corev1.Probe{ProbeHandler: h, InitialDelaySeconds: 5, PeriodSeconds: 30, TimeoutSeconds: 5, FailureThreshold: 3},
		},
		"Disabled": {
			settings: &commonv1alpha1.ProbeSettings{Enabled: ptr.To(false), PeriodSeconds: ptr.To[int32](30)},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Tuned(tc.settings, h, def)); diff != "" {
				t.Errorf("Tuned (-want +got):\n%s", diff)
			}
			if got, want := Enabled(tc.settings), tc.want != nil; got != want {
				t.Errorf("Enabled = %v, want %v", got, want)
			}
		})
	}
}
