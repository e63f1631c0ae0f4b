package connect

import (
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// readYAML reads a repository file (relative to the repository root) into
// a map.
func readYAML(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", path))
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

// compose runs the real function-rivven-connect on a RivvenConnect whose
// cluster is the given RivvenCluster (its clusterRef then names the
// cluster's namespace), by default the render example's Ready production
// cluster.
func compose(t *testing.T, xr map[string]any, cluster ...map[string]any) *composed.Connect {
	t.Helper()
	cl := readYAML(t, "examples/render/connect/required-production.yaml")
	if len(cluster) > 0 {
		cl = cluster[0]
		ref := xr["spec"].(map[string]any)["clusterRef"].(map[string]any)
		ref["namespace"] = cl["metadata"].(map[string]any)["namespace"]
	}
	c, err := composed.RunConnect(xr, cl)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// credentials are the Secrets the pod references (configSecretRef), holding
// every key its env names, with placeholder values of the right shape: a
// real pod would not start without them (CreateContainerConfigError).
func credentials(spec corev1.PodSpec) map[string]*corev1.Secret {
	out := map[string]*corev1.Secret{}
	add := func(name, key string) {
		s, ok := out[name]
		if !ok {
			s = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string][]byte{}}
			out[name] = s
		}
		if key == "" {
			return
		}
		v := "placeholder-" + key
		if key == "port" {
			v = "5432"
		}
		s.Data[key] = []byte(v)
	}
	for _, c := range append(append([]corev1.Container{}, spec.InitContainers...), spec.Containers...) {
		for _, e := range c.EnvFrom {
			if e.SecretRef != nil {
				add(e.SecretRef.Name, "")
			}
		}
		for _, e := range c.Env {
			if e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				add(e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)
			}
		}
	}
	return out
}

// pod is the Deployment's pod with the Secrets it references.
func pod(t *testing.T, c *composed.Connect, spec corev1.PodSpec, resolve podrun.ImageResolver) podrun.Config {
	t.Helper()
	objs := composed.EmptyObjects()
	objs.Secrets = credentials(spec)
	return c.Pod(spec, t.TempDir(), objs, resolve)
}
