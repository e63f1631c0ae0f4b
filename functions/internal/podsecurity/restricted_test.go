package podsecurity

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
)

// fields lists the Field of every fielderr.Error joined in err, in order.
func fields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []string
	for _, e := range errs {
		var fe *fielderr.Error
		if !errors.As(e, &fe) {
			t.Fatalf("%v is not a *fielderr.Error", e)
		}
		out = append(out, fe.Field)
	}
	return out
}

func TestRestricted(t *testing.T) {
	cases := map[string]struct {
		pod  *corev1.PodSecurityContext
		ctr  *corev1.SecurityContext
		want []string // the fields named, in order; none means accepted
	}{
		"NilContexts": {},
		"Defaults":    {pod: Pod(), ctr: Container()},
		"AllowedOverrides": {
			pod: &corev1.PodSecurityContext{
				RunAsNonRoot:    ptr.To(true),
				RunAsUser:       ptr.To[int64](1000),
				RunAsGroup:      ptr.To[int64](0),
				FSGroup:         ptr.To[int64](0),
				SeccompProfile:  &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr.To("p.json")},
				AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault},
				WindowsOptions:  &corev1.WindowsSecurityContextOptions{HostProcess: ptr.To(false)},
				SELinuxOptions:  &corev1.SELinuxOptions{Type: "container_t", Level: "s0:c1,c2"},
				Sysctls:         sysctls(SafeSysctls...),
			},
			ctr: &corev1.SecurityContext{
				Privileged:               ptr.To(false),
				AllowPrivilegeEscalation: ptr.To(false),
				RunAsNonRoot:             ptr.To(true),
				RunAsUser:                ptr.To[int64](65532),
				Capabilities:             &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE"}, Drop: []corev1.Capability{"NET_RAW", "ALL"}},
				ProcMount:                ptr.To(corev1.DefaultProcMount),
				SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
				AppArmorProfile:          &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr.To("p")},
				SELinuxOptions:           &corev1.SELinuxOptions{Type: "container_engine_t"},
			},
		},
		"EmptySELinuxAndCapabilities": {
			pod: &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{}},
			ctr: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{}, SELinuxOptions: &corev1.SELinuxOptions{Type: "container_kvm_t"}},
		},
		"PodRunAsNonRootFalse":  {pod: &corev1.PodSecurityContext{RunAsNonRoot: ptr.To(false)}, want: []string{"spec.securityContext.runAsNonRoot"}},
		"PodRunAsRoot":          {pod: &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](0)}, want: []string{"spec.securityContext.runAsUser"}},
		"PodSeccompUnconfined":  {pod: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}}, want: []string{"spec.securityContext.seccompProfile.type"}},
		"PodAppArmorUnconfined": {pod: &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}}, want: []string{"spec.securityContext.appArmorProfile.type"}},
		"PodHostProcess":        {pod: &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr.To(true)}}, want: []string{"spec.securityContext.windowsOptions.hostProcess"}},
		"PodSELinux": {
			pod:  &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{Type: "spc_t", User: "system_u", Role: "system_r"}},
			want: []string{"spec.securityContext.seLinuxOptions.type", "spec.securityContext.seLinuxOptions.user", "spec.securityContext.seLinuxOptions.role"},
		},
		"PodUnsafeSysctls": {
			pod:  &corev1.PodSecurityContext{Sysctls: sysctls("net.ipv4.tcp_syncookies", "net.core.somaxconn", "kernel.shm_rmid_forced", "kernel.msgmax")},
			want: []string{"spec.securityContext.sysctls[1].name", "spec.securityContext.sysctls[3].name"},
		},
		"Privileged":               {ctr: &corev1.SecurityContext{Privileged: ptr.To(true)}, want: []string{"spec.containerSecurityContext.privileged"}},
		"AllowPrivilegeEscalation": {ctr: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr.To(true)}, want: []string{"spec.containerSecurityContext.allowPrivilegeEscalation"}},
		"CapabilitiesAdd": {
			ctr:  &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"NET_BIND_SERVICE", "NET_ADMIN", "SYS_ADMIN"}}},
			want: []string{"spec.containerSecurityContext.capabilities.add[1]", "spec.containerSecurityContext.capabilities.add[2]"},
		},
		"CapabilitiesDropWithoutAll": {ctr: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"NET_RAW"}}}, want: []string{"spec.containerSecurityContext.capabilities.drop"}},
		"ProcMountUnmasked":          {ctr: &corev1.SecurityContext{ProcMount: ptr.To(corev1.UnmaskedProcMount)}, want: []string{"spec.containerSecurityContext.procMount"}},
		"ContainerRunAsNonRootFalse": {ctr: &corev1.SecurityContext{RunAsNonRoot: ptr.To(false)}, want: []string{"spec.containerSecurityContext.runAsNonRoot"}},
		"ContainerRunAsRoot":         {ctr: &corev1.SecurityContext{RunAsUser: ptr.To[int64](0)}, want: []string{"spec.containerSecurityContext.runAsUser"}},
		"ContainerSeccompUnconfined": {ctr: &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}}, want: []string{"spec.containerSecurityContext.seccompProfile.type"}},
		"ContainerAppArmorUnconfined": {
			ctr:  &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}},
			want: []string{"spec.containerSecurityContext.appArmorProfile.type"},
		},
		"ContainerHostProcess": {ctr: &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr.To(true)}}, want: []string{"spec.containerSecurityContext.windowsOptions.hostProcess"}},
		"ContainerSELinux": {
			ctr:  &corev1.SecurityContext{SELinuxOptions: &corev1.SELinuxOptions{Type: "unconfined_t", User: "u", Role: "r"}},
			want: []string{"spec.containerSecurityContext.seLinuxOptions.type", "spec.containerSecurityContext.seLinuxOptions.user", "spec.containerSecurityContext.seLinuxOptions.role"},
		},
		"BothContextsPodFirst": {
			pod:  &corev1.PodSecurityContext{RunAsUser: ptr.To[int64](0)},
			ctr:  &corev1.SecurityContext{Privileged: ptr.To(true), RunAsUser: ptr.To[int64](0)},
			want: []string{"spec.securityContext.runAsUser", "spec.containerSecurityContext.privileged", "spec.containerSecurityContext.runAsUser"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := Restricted(tc.pod, tc.ctr)
			if got := fields(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("fields named %q, want %q (error: %v)", got, tc.want, err)
			}
		})
	}
}

// TestRestrictedSays checks the refusal reads as the schema's does: field,
// what is wrong, and why.
func TestRestrictedSays(t *testing.T) {
	err := Restricted(nil, &corev1.SecurityContext{Privileged: ptr.To(true)})
	const want = "spec.containerSecurityContext.privileged: must not be true: Rivven pods meet the restricted Pod Security Standard"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestRestrictedAnnotations(t *testing.T) {
	const key = "container.apparmor.security.beta.kubernetes.io/"
	cases := map[string]struct {
		in   map[string]string
		want []string
	}{
		"Nil":      {},
		"Allowed":  {in: map[string]string{key + "rivvend": "runtime/default", key + "x": "localhost/p", "other": "unconfined"}},
		"Refused":  {in: map[string]string{key + "b": "unconfined", key + "a": "", key + "c": "runtime/default"}, want: []string{"spec.podAnnotations[" + key + "a]", "spec.podAnnotations[" + key + "b]"}},
		"NotOurs":  {in: map[string]string{"apparmor.example.com/x": "unconfined"}},
		"Prefixed": {in: map[string]string{key + "x": "localhost"}, want: []string{"spec.podAnnotations[" + key + "x]"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := RestrictedAnnotations(tc.in)
			if got := fields(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("fields named %q, want %q (error: %v)", got, tc.want, err)
			}
		})
	}
}

func sysctls(names ...string) []corev1.Sysctl {
	out := make([]corev1.Sysctl, 0, len(names))
	for _, n := range names {
		out = append(out, corev1.Sysctl{Name: n, Value: "1"})
	}
	return out
}

// TestRestrictedRefusesTheCorpus keeps Restricted and the schema's rules
// (apis/common/v1alpha1/pod_types.go) in step: every case of the API server
// tier's invalid-spec corpus that breaks a security context or the pod
// annotations must be refused here too, naming the same field.
func TestRestrictedRefusesTheCorpus(t *testing.T) {
	root, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; filepath.Dir(root) != root; root = filepath.Dir(root) {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
	}
	files, err := filepath.Glob(filepath.Join(root, "test", "apiserver", "corpus", "*", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // Test fixtures.
		if err != nil {
			t.Fatal(err)
		}
		var want string
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "# field: "); ok {
				want = strings.TrimSpace(v)
			}
		}
		if !strings.HasPrefix(want, podField+".") && !strings.HasPrefix(want, containerField+".") && want != annotationsField {
			continue
		}
		n++
		rel, _ := filepath.Rel(root, f)
		t.Run(rel, func(t *testing.T) {
			docs := strings.Split(string(b), "\n---\n")
			var obj struct {
				Spec struct {
					SecurityContext          *corev1.PodSecurityContext `json:"securityContext"`
					ContainerSecurityContext *corev1.SecurityContext    `json:"containerSecurityContext"`
					PodAnnotations           map[string]string          `json:"podAnnotations"`
				} `json:"spec"`
			}
			if err := yaml.Unmarshal([]byte(docs[len(docs)-1]), &obj); err != nil {
				t.Fatal(err)
			}
			got := fields(t, errors.Join(Restricted(obj.Spec.SecurityContext, obj.Spec.ContainerSecurityContext), RestrictedAnnotations(obj.Spec.PodAnnotations)))
			for _, g := range got {
				if g == want || strings.HasPrefix(g, want+".") || strings.HasPrefix(g, want+"[") {
					return
				}
			}
			t.Errorf("want a refusal naming %s, got %q", want, got)
		})
	}
	if n == 0 {
		t.Fatal("no security context cases in the corpus")
	}
}
