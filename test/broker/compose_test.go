package broker

import (
	"os"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/test/composed"
)

// compose runs the real function-rivven-cluster on a RivvenCluster (YAML),
// with nothing observed yet: the first reconcile of a new cluster.
func compose(t *testing.T, xr string) *composed.Cluster {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(xr), &m); err != nil {
		t.Fatal(err)
	}
	c, err := composed.RunCluster(m)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// readExample reads a file of examples/.
func readExample(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile("../../examples/" + path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
