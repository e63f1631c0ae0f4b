// Package podsecurity supplies security contexts that meet the Kubernetes
// "restricted" Pod Security Standard, and lets a user override single fields
// without losing the rest of the defaults.
package podsecurity

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/utils/ptr"
)

// NonRootID is the uid and gid the Rivven images run as (distroless nonroot).
const NonRootID int64 = 65532

// Pod returns the default pod security context: non-root uid/gid 65532,
// fsGroup 65532 so mounted volumes are writable by that user, and the
// runtime's default seccomp profile.
func Pod() *corev1.PodSecurityContext {
	// Every field gets its own pointer: overlay writes through pointers,
	// so shared ones would let an override of one field change another.
	return &corev1.PodSecurityContext{
		RunAsNonRoot:        ptr.To(true),
		RunAsUser:           ptr.To(NonRootID),
		RunAsGroup:          ptr.To(NonRootID),
		FSGroup:             ptr.To(NonRootID),
		FSGroupChangePolicy: ptr.To(corev1.FSGroupChangeOnRootMismatch),
		SeccompProfile:      &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// Container returns the default container security context: no privilege
// escalation, every capability dropped, read-only root filesystem. Whatever
// the binary writes must go to a mounted volume.
func Container() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptr.To(false),
		ReadOnlyRootFilesystem:   ptr.To(true),
		RunAsNonRoot:             ptr.To(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// MergePod overlays every field set in override onto the defaults, so a user
// who sets only runAsUser keeps fsGroup and seccomp. A nil override returns
// the defaults.
func MergePod(override *corev1.PodSecurityContext) (*corev1.PodSecurityContext, error) {
	out := Pod()
	return out, overlay(out, override)
}

// MergeContainer is MergePod for the container security context.
func MergeContainer(override *corev1.SecurityContext) (*corev1.SecurityContext, error) {
	out := Container()
	return out, overlay(out, override)
}

// overlay merges override into base as a JSON merge: objects merge key by
// key, any other value set in override replaces the base value.
func overlay(base, override any) error {
	b, err := json.Marshal(override)
	if err != nil {
		return fmt.Errorf("cannot encode security context: %w", err)
	}
	if string(b) == "null" {
		return nil
	}
	// Unmarshalling into an already populated struct replaces only the
	// fields present in the JSON and recurses into pointers to structs,
	// which is exactly a field-level overlay.
	if err := json.Unmarshal(b, base); err != nil {
		return fmt.Errorf("cannot merge security context: %w", err)
	}
	return nil
}
