package podrun

import (
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Objects are the ConfigMaps and Secrets of the pod's namespace, by name.
type Objects struct {
	ConfigMaps map[string]*corev1.ConfigMap
	Secrets    map[string]*corev1.Secret
}

// Downward holds the values the downward API exposes to a container.
type Downward struct {
	PodName, Namespace, PodIP, NodeName, ServiceAccountName string
	Labels, Annotations                                     map[string]string
}

// ResolveEnv returns the environment of container c as the kubelet builds it:
// envFrom sources in order (later ones win, env wins over all), then env
// entries in order, each value expanded with $(VAR) against the variables
// defined before it. Missing non-optional sources are errors, as they stop a
// real container from starting (CreateContainerConfigError).
func ResolveEnv(c corev1.Container, objs Objects, d Downward) (map[string]string, error) {
	env := map[string]string{}
	for _, from := range c.EnvFrom {
		switch {
		case from.ConfigMapRef != nil:
			cm, ok := objs.ConfigMaps[from.ConfigMapRef.Name]
			if !ok {
				if isOptional(from.ConfigMapRef.Optional) {
					continue
				}
				return nil, fmt.Errorf("configmap %q not found", from.ConfigMapRef.Name)
			}
			for k, v := range cm.Data {
				env[from.Prefix+k] = v
			}
		case from.SecretRef != nil:
			s, ok := objs.Secrets[from.SecretRef.Name]
			if !ok {
				if isOptional(from.SecretRef.Optional) {
					continue
				}
				return nil, fmt.Errorf("secret %q not found", from.SecretRef.Name)
			}
			for k, v := range secretData(s) {
				env[from.Prefix+k] = string(v)
			}
		}
	}
	for _, e := range c.Env {
		if e.ValueFrom == nil {
			env[e.Name] = Expand(e.Value, env)
			continue
		}
		v, ok, err := valueFrom(e.ValueFrom, objs, d)
		if err != nil {
			return nil, fmt.Errorf("env %s: %w", e.Name, err)
		}
		if ok {
			env[e.Name] = v
		}
	}
	return env, nil
}

func valueFrom(src *corev1.EnvVarSource, objs Objects, d Downward) (string, bool, error) {
	switch {
	case src.FieldRef != nil:
		v, err := fieldValue(src.FieldRef.FieldPath, d)
		return v, err == nil, err
	case src.SecretKeyRef != nil:
		r := src.SecretKeyRef
		s, ok := objs.Secrets[r.Name]
		if !ok {
			if isOptional(r.Optional) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("secret %q not found", r.Name)
		}
		v, ok := secretData(s)[r.Key]
		if !ok {
			if isOptional(r.Optional) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("key %q not in secret %q", r.Key, r.Name)
		}
		return string(v), true, nil
	case src.ConfigMapKeyRef != nil:
		r := src.ConfigMapKeyRef
		cm, ok := objs.ConfigMaps[r.Name]
		if !ok {
			if isOptional(r.Optional) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("configmap %q not found", r.Name)
		}
		v, ok := cm.Data[r.Key]
		if !ok {
			if isOptional(r.Optional) {
				return "", false, nil
			}
			return "", false, fmt.Errorf("key %q not in configmap %q", r.Key, r.Name)
		}
		return v, true, nil
	}
	return "", false, fmt.Errorf("unsupported valueFrom (resourceFieldRef and fileKeyRef are not used by our pods)")
}

func fieldValue(path string, d Downward) (string, error) {
	switch path {
	case "metadata.name":
		return d.PodName, nil
	case "metadata.namespace":
		return d.Namespace, nil
	case "status.podIP":
		return d.PodIP, nil
	case "spec.nodeName":
		return d.NodeName, nil
	case "spec.serviceAccountName":
		return d.ServiceAccountName, nil
	}
	for prefix, m := range map[string]map[string]string{"metadata.labels": d.Labels, "metadata.annotations": d.Annotations} {
		if k, ok := strings.CutPrefix(path, prefix+"['"); ok {
			return m[strings.TrimSuffix(k, "']")], nil
		}
	}
	return "", fmt.Errorf("unsupported fieldRef %q", path)
}

// Expand replaces $(VAR) with the value of VAR when it is defined, keeps
// $(VAR) as it is when not, and turns $$ into $, as Kubernetes expands env
// values, command and args.
func Expand(s string, vars map[string]string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		switch s[i+1] {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(s[i+2:], ')')
			if end < 0 {
				b.WriteString(s[i:])
				return b.String()
			}
			name := s[i+2 : i+2+end]
			if v, ok := vars[name]; ok {
				b.WriteString(v)
			} else {
				b.WriteString(s[i : i+3+end])
			}
			i += 2 + end
		default:
			b.WriteByte('$')
		}
	}
	return b.String()
}

// secretData merges stringData over data, as the API server does on write.
func secretData(s *corev1.Secret) map[string][]byte {
	out := map[string][]byte{}
	for k, v := range s.Data {
		out[k] = v
	}
	for k, v := range s.StringData {
		out[k] = []byte(v)
	}
	return out
}

func isOptional(p *bool) bool { return p != nil && *p }

// Environ renders env as a sorted KEY=VALUE list for exec.
func Environ(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}
