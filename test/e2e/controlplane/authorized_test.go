package controlplane

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	authorizationv1 "k8s.io/api/authorization/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// Shaped like the RBAC of Crossplane's chart: an aggregated ClusterRole,
// the role aggregated to it, a namespaced Role, and their bindings.
const chartRBAC = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: crossplane}
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: {rbac.crossplane.io/aggregate-to-crossplane: "true"}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crossplane:system:aggregate-to-crossplane
  labels: {rbac.crossplane.io/aggregate-to-crossplane: "true"}
rules:
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions", "customresourcedefinitions/status"]
  verbs: ["get", "update"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: crossplane-browse
  labels: {rbac.crossplane.io/aggregate-to-browse: "true"}
rules:
- apiGroups: ["pkg.crossplane.io"]
  resources: ["providers"]
  verbs: ["list"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crossplane}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: crossplane}
subjects:
- {kind: ServiceAccount, name: crossplane, namespace: crossplane-system}
- {kind: Group, name: admins}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: crossplane, namespace: crossplane-system}
rules:
- apiGroups: [""]
  resources: ["secrets"]
  resourceNames: ["crossplane-root-ca"]
  verbs: ["get"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: crossplane, namespace: crossplane-system}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: crossplane}
subjects:
- {kind: ServiceAccount, name: crossplane, namespace: crossplane-system}
`

func objects(t *testing.T, docs ...string) []*unstructured.Unstructured {
	t.Helper()
	var out []*unstructured.Unstructured
	for _, d := range docs {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal([]byte(d), &u.Object); err != nil {
			t.Fatal(err)
		}
		out = append(out, u)
	}
	return out
}

func TestBindingGrants(t *testing.T) {
	const sa = "system:serviceaccount:crossplane-system:crossplane"
	crd := func(verb, sub string) grant {
		return grant{User: sa, Attrs: authorizationv1.ResourceAttributes{Verb: verb, Group: "apiextensions.k8s.io", Resource: "customresourcedefinitions", Subresource: sub}}
	}
	docs := strings.Split(chartRBAC, "\n---\n")
	cases := map[string]struct {
		objs    []string
		want    []grant
		wantErr bool
	}{
		"AnAggregatedRoleGrantsTheRolesItSelects": {
			objs: docs[:4],
			want: []grant{crd("get", ""), crd("update", ""), crd("get", "status"), crd("update", "status")},
		},
		"ARoleGrantsInItsNamespaceOnly": {
			objs: docs[4:],
			want: []grant{{User: sa, Attrs: authorizationv1.ResourceAttributes{
				Namespace: "crossplane-system", Verb: "get", Resource: "secrets", Name: "crossplane-root-ca",
			}}},
		},
		"ABindingToARoleNotAmongTheObjects": {
			objs:    docs[5:],
			wantErr: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := bindingGrants(objects(t, tc.objs...))
			if (err != nil) != tc.wantErr {
				t.Fatalf("bindingGrants: error %v, want error %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("bindingGrants (-want +got):\n%s", diff)
			}
		})
	}
}
