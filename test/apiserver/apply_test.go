package apiserver

import (
	"context"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

const fieldOwner = client.FieldOwner("rivven-apiserver-test")

// namespaced reports whether the API server serves u's kind in namespaces.
func namespaced(u *unstructured.Unstructured) (bool, error) {
	gvk := u.GroupVersionKind()
	m, err := k8s.RESTMapper().RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		return false, fmt.Errorf("%s: %w", gvk, err)
	}
	return m.Scope.Name() == meta.RESTScopeNameNamespace, nil
}

// place puts a namespaced object into ns and clears the namespace of a
// cluster-scoped one.
func place(u *unstructured.Unstructured, ns string) error {
	isNS, err := namespaced(u)
	if err != nil {
		return err
	}
	if isNS {
		u.SetNamespace(ns)
	} else {
		u.SetNamespace("")
	}
	return nil
}

// apply server-side applies u (server-side apply refuses an unknown field rather than
// pruning it) and returns the object as stored.
func apply(ctx context.Context, u *unstructured.Unstructured, opts ...client.ApplyOption) (*unstructured.Unstructured, error) {
	in := u.DeepCopy()
	opts = append([]client.ApplyOption{fieldOwner, client.ForceOwnership}, opts...)
	if err := k8s.Apply(ctx, client.ApplyConfigurationFromUnstructured(in), opts...); err != nil {
		return nil, err
	}
	out := &unstructured.Unstructured{}
	out.SetGroupVersionKind(u.GroupVersionKind())
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(u), out); err != nil {
		return nil, err
	}
	return out, nil
}

// describe names an object for messages.
func describe(u *unstructured.Unstructured) string {
	if u.GetNamespace() == "" {
		return fmt.Sprintf("%s %s", u.GetKind(), u.GetName())
	}
	return fmt.Sprintf("%s %s/%s", u.GetKind(), u.GetNamespace(), u.GetName())
}

// lookup returns the value at a dotted path with optional list indexes, such as
// spec.acls[0].operations.
func lookup(obj map[string]any, path string) (any, bool) {
	var cur any = obj
	for _, seg := range strings.Split(path, ".") {
		name, idx := seg, -1
		if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
			name = seg[:i]
			if _, err := fmt.Sscanf(seg[i:], "[%d]", &idx); err != nil {
				return nil, false
			}
		}
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[name]; !ok {
			return nil, false
		}
		if idx >= 0 {
			l, ok := cur.([]any)
			if !ok || idx >= len(l) {
				return nil, false
			}
			cur = l[idx]
		}
	}
	return cur, true
}

// missing lists the paths of want (leaves and list elements) that got does not
// hold with an equal value: what the API server pruned or changed.
func missing(want, got any, path string) []string {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{path}
		}
		var out []string
		for k, v := range w {
			out = append(out, missing(v, g[k], join(path, k))...)
		}
		return out
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return []string{path}
		}
		var out []string
		for i := range w {
			out = append(out, missing(w[i], g[i], fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	default:
		if !equalScalar(want, got) {
			return []string{fmt.Sprintf("%s (sent %v, stored %v)", path, want, got)}
		}
		return nil
	}
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// equalScalar compares JSON scalars; YAML and JSON decoding may disagree on
// int64 versus float64 for the same number.
func equalScalar(a, b any) bool {
	if fa, ok := number(a); ok {
		fb, ok := number(b)
		return ok && fa == fb
	}
	return a == b
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case int64:
		return float64(n), true
	case int:
		return float64(n), true
	case float64:
		return n, true
	}
	return 0, false
}
