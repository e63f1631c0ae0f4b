package controlplane

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/releaseutil"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// chartRBACKinds are the kinds of Crossplane's Helm chart the harness
// applies. The chart's Deployments are played by local processes, and its
// TLS Secrets are written with the harness's CA (startCrossplane).
var chartRBACKinds = map[string]bool{
	"ServiceAccount": true, "ClusterRole": true, "ClusterRoleBinding": true, "Role": true, "RoleBinding": true,
}

// crossplaneChartRBAC renders the Helm chart of the pinned Crossplane core
// module with its default values, as `helm install crossplane
// --namespace crossplane-system` would, and returns its ServiceAccounts and
// RBAC objects in a stable order.
func (c *ControlPlane) crossplaneChartRBAC(ctx context.Context) ([]*unstructured.Unstructured, error) {
	dir, err := c.moduleDir(ctx, "hack/crossplane/core", "github.com/crossplane/crossplane/v2", "cluster/charts/crossplane")
	if err != nil {
		return nil, err
	}
	ch, err := loader.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("load Crossplane's chart: %w", err)
	}
	vals, err := chartutil.ToRenderValues(ch, nil, chartutil.ReleaseOptions{
		Name: "crossplane", Namespace: crossplaneNamespace, IsInstall: true, Revision: 1,
	}, nil)
	if err != nil {
		return nil, err
	}
	files, err := engine.Render(ch, vals)
	if err != nil {
		return nil, fmt.Errorf("render Crossplane's chart: %w", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []*unstructured.Unstructured
	for _, n := range names {
		if !strings.HasSuffix(n, ".yaml") { // NOTES.txt
			continue
		}
		docs := releaseutil.SplitManifests(files[n])
		keys := make([]string, 0, len(docs))
		for k := range docs {
			keys = append(keys, k)
		}
		sort.Sort(releaseutil.BySplitManifestsOrder(keys))
		for _, k := range keys {
			doc := docs[k]
			u := &unstructured.Unstructured{}
			if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			if u.Object == nil || !chartRBACKinds[u.GetKind()] {
				continue
			}
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("Crossplane's chart in %s rendered no RBAC objects", dir)
	}
	return out, nil
}
