package podsecurity

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

func TestMergePod(t *testing.T) {
	cases := map[string]struct {
		override *corev1.PodSecurityContext
		want     func(*corev1.PodSecurityContext)
	}{
		"NilKeepsDefaults": {nil, func(*corev1.PodSecurityContext) {}},
		"OneFieldOverridden": {
			&corev1.PodSecurityContext{RunAsUser: ptr.To[int64](1000)},
			func(p *corev1.PodSecurityContext) { p.RunAsUser = ptr.To[int64](1000) },
		},
		"NestedFieldOverridden": {
			&corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("p.json")}},
			func(p *corev1.PodSecurityContext) {
				p.SeccompProfile = &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("p.json")}
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := MergePod(tc.override)
			if err != nil {
				t.Fatal(err)
			}
			want := Pod()
			tc.want(want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestRestrictedDefaults(t *testing.T) {
	p, c := Pod(), Container()
	if !*p.RunAsNonRoot || *p.RunAsUser != 65532 || *p.FSGroup != 65532 || p.SeccompProfile.Type != corev1.SeccompProfileTypeRuntimeDefault {
		t.Errorf("pod context is not restricted: %+v", p)
	}
	if *c.AllowPrivilegeEscalation || !*c.ReadOnlyRootFilesystem || !cmp.Equal(c.Capabilities.Drop, []corev1.Capability{"ALL"}) {
		t.Errorf("container context is not restricted: %+v", c)
	}
	// Overriding one container field keeps every other restriction.
	got, err := MergeContainer(&corev1.SecurityContext{ReadOnlyRootFilesystem: ptr.To(false)})
	if err != nil {
		t.Fatal(err)
	}
	if *got.ReadOnlyRootFilesystem || *got.AllowPrivilegeEscalation || len(got.Capabilities.Drop) != 1 {
		t.Errorf("merge lost a default: %+v", got)
	}
}
