package podsecurity

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
)

// Paths of the user-settable security contexts in a composite's spec
// (commonv1alpha1.PodTemplate, embedded inline).
const (
	podField         = "spec.securityContext"
	containerField   = "spec.containerSecurityContext"
	annotationsField = "spec.podAnnotations"
)

// why ends every refusal: the schema refuses the same at admission, with the
// same words (apis/common/v1alpha1/pod_types.go).
const why = "Rivven pods meet the restricted Pod Security Standard"

// SafeSysctls are the sysctls the Pod Security Standards allow a pod to set
// (the baseline "safe" set, Kubernetes 1.29 and later).
var SafeSysctls = []string{ //nolint:gochecknoglobals // Constant list.
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ping_group_range",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
}

// allowedSELinuxTypes are the SELinux types the standard allows; "" leaves
// the type to the runtime.
var allowedSELinuxTypes = []string{"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"} //nolint:gochecknoglobals // Constant list.

// appArmorAnnotationPrefix is the deprecated per-container AppArmor
// annotation the standard still checks.
const appArmorAnnotationPrefix = "container.apparmor.security.beta.kubernetes.io/"

// Restricted refuses user overrides of the pod (spec.securityContext) and
// container (spec.containerSecurityContext) security contexts that break the
// Kubernetes "restricted" Pod Security Standard, which the defaults meet. The
// schema refuses the same at admission; this catches input that never passed
// it, such as `crossplane render`. Either context may be nil. Every error
// names its field (fielderr); nil means both are acceptable.
func Restricted(pod *corev1.PodSecurityContext, ctr *corev1.SecurityContext) error {
	var errs []*fielderr.Error
	if pod != nil {
		errs = append(errs, common(podField, pod.RunAsNonRoot, pod.RunAsUser, pod.SeccompProfile, pod.AppArmorProfile, pod.WindowsOptions, pod.SELinuxOptions)...)
		for i, s := range pod.Sysctls {
			if !slices.Contains(SafeSysctls, s.Name) {
				errs = append(errs, fielderr.New(fmt.Sprintf("%s.sysctls[%d].name", podField, i),
					"%q is not a safe sysctl (%s): %s", s.Name, strings.Join(SafeSysctls, ", "), why))
			}
		}
	}
	if ctr != nil {
		if ctr.Privileged != nil && *ctr.Privileged {
			errs = append(errs, fielderr.New(containerField+".privileged", "must not be true: %s", why))
		}
		if ctr.AllowPrivilegeEscalation != nil && *ctr.AllowPrivilegeEscalation {
			errs = append(errs, fielderr.New(containerField+".allowPrivilegeEscalation", "must not be true: %s", why))
		}
		if c := ctr.Capabilities; c != nil {
			for i, a := range c.Add {
				if a != "NET_BIND_SERVICE" {
					errs = append(errs, fielderr.New(fmt.Sprintf("%s.capabilities.add[%d]", containerField, i),
						"%q must not be added, only NET_BIND_SERVICE may: %s", a, why))
				}
			}
			if len(c.Drop) > 0 && !slices.Contains(c.Drop, "ALL") {
				errs = append(errs, fielderr.New(containerField+".capabilities.drop",
					"must contain ALL when set: %s, which requires dropping every capability", why))
			}
		}
		if ctr.ProcMount != nil && *ctr.ProcMount != corev1.DefaultProcMount {
			errs = append(errs, fielderr.New(containerField+".procMount",
				"must be Default, got %q: %s, which forbids unmasking /proc", *ctr.ProcMount, why))
		}
		errs = append(errs, common(containerField, ctr.RunAsNonRoot, ctr.RunAsUser, ctr.SeccompProfile, ctr.AppArmorProfile, ctr.WindowsOptions, ctr.SELinuxOptions)...)
	}
	return fielderr.Join(errs...)
}

// RestrictedAnnotations refuses pod annotations (spec.podAnnotations) that
// set a container's AppArmor profile to anything but runtime/default or
// localhost/<profile>, which the restricted standard forbids even though the
// annotation is deprecated. Keys are checked in sorted order.
func RestrictedAnnotations(podAnnotations map[string]string) error {
	keys := make([]string, 0, len(podAnnotations))
	for k := range podAnnotations {
		if strings.HasPrefix(k, appArmorAnnotationPrefix) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var errs []*fielderr.Error
	for _, k := range keys {
		if v := podAnnotations[k]; v != "runtime/default" && !strings.HasPrefix(v, "localhost/") {
			errs = append(errs, fielderr.New(annotationsField+"["+k+"]",
				"must be runtime/default or localhost/<profile>, got %q: %s", v, why))
		}
	}
	return fielderr.Join(errs...)
}

// common checks the fields both contexts have, under base.
func common(base string, runAsNonRoot *bool, runAsUser *int64, seccomp *corev1.SeccompProfile, appArmor *corev1.AppArmorProfile,
	windows *corev1.WindowsSecurityContextOptions, seLinux *corev1.SELinuxOptions,
) []*fielderr.Error {
	var errs []*fielderr.Error
	if runAsNonRoot != nil && !*runAsNonRoot {
		errs = append(errs, fielderr.New(base+".runAsNonRoot", "must not be false: %s, which requires a non-root user", why))
	}
	if runAsUser != nil && *runAsUser == 0 {
		errs = append(errs, fielderr.New(base+".runAsUser", "must not be 0: %s, which forbids running as root", why))
	}
	if seccomp != nil && seccomp.Type == corev1.SeccompProfileTypeUnconfined {
		errs = append(errs, fielderr.New(base+".seccompProfile.type", "must not be Unconfined: %s, which requires RuntimeDefault or Localhost", why))
	}
	if appArmor != nil && appArmor.Type == corev1.AppArmorProfileTypeUnconfined {
		errs = append(errs, fielderr.New(base+".appArmorProfile.type", "must not be Unconfined: %s, which requires RuntimeDefault or Localhost", why))
	}
	if windows != nil && windows.HostProcess != nil && *windows.HostProcess {
		errs = append(errs, fielderr.New(base+".windowsOptions.hostProcess", "must not be true: %s, which forbids host process containers", why))
	}
	if seLinux != nil {
		if !slices.Contains(allowedSELinuxTypes, seLinux.Type) {
			errs = append(errs, fielderr.New(base+".seLinuxOptions.type",
				"must be container_t, container_init_t, container_kvm_t or container_engine_t, got %q: %s", seLinux.Type, why))
		}
		if seLinux.User != "" {
			errs = append(errs, fielderr.New(base+".seLinuxOptions.user", "must not be set: %s, which forbids custom SELinux users", why))
		}
		if seLinux.Role != "" {
			errs = append(errs, fielderr.New(base+".seLinuxOptions.role", "must not be set: %s, which forbids custom SELinux roles", why))
		}
	}
	return errs
}
