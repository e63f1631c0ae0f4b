// Package probes composes the probes of both functions' pods. What a probe
// checks is the function's to choose, because only it knows which endpoint
// or command of the binary tells the truth; how often and how patiently it
// checks is the user's (spec.livenessProbe, spec.readinessProbe).
package probes

import (
	corev1 "k8s.io/api/core/v1"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
)

// Enabled reports whether the user left the probe on (the default).
func Enabled(s *commonv1alpha1.ProbeSettings) bool {
	return s == nil || s.Enabled == nil || *s.Enabled
}

// Tuned is the probe that checks h with the timing of def, overridden by
// every timing field the user set; nil when the user turned it off.
func Tuned(s *commonv1alpha1.ProbeSettings, h corev1.ProbeHandler, def corev1.Probe) *corev1.Probe {
	if !Enabled(s) {
		return nil
	}
	out := def
	out.ProbeHandler = h
	if s == nil {
		return &out
	}
	set := func(dst *int32, v *int32) {
		if v != nil {
			*dst = *v
		}
	}
	set(&out.InitialDelaySeconds, s.InitialDelaySeconds)
	set(&out.PeriodSeconds, s.PeriodSeconds)
	set(&out.TimeoutSeconds, s.TimeoutSeconds)
	set(&out.FailureThreshold, s.FailureThreshold)
	return &out
}
