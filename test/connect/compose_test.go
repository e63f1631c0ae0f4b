package connect

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	fnconnect "github.com/rivven/crossplane-rivven/functions/connect"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// composition is what function-rivven-connect composed for a RivvenConnect.
type composition struct {
	ConfigMap  *corev1.ConfigMap
	Deployment *appsv1.Deployment
	Results    []*fnv1.Result
}

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

// compose runs the real function in process on a RivvenConnect with the
// render example's Ready RivvenCluster as its required resource.
func compose(t *testing.T, xr map[string]any) composition {
	t.Helper()
	st := func(m map[string]any) *structpb.Struct {
		s, err := structpb.NewStruct(m)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cluster := readYAML(t, "examples/render/connect/required-production.yaml")
	req := &fnv1.RunFunctionRequest{
		Observed:          &fnv1.State{Composite: &fnv1.Resource{Resource: st(xr)}},
		RequiredResources: map[string]*fnv1.Resources{fnconnect.RequiredCluster: {Items: []*fnv1.Resource{{Resource: st(cluster)}}}},
	}
	rsp, err := (&fnconnect.Function{Log: logging.NewNopLogger()}).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			t.Fatalf("the function refused the RivvenConnect: %s", r.GetMessage())
		}
	}
	c := composition{Results: rsp.GetResults()}
	decode := func(key string, into any) {
		r, ok := rsp.GetDesired().GetResources()[key]
		if !ok {
			t.Fatalf("the function composed no %s", key)
		}
		b, err := json.Marshal(r.GetResource().AsMap())
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, into); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
	}
	decode(fnconnect.ResourceConfigMap, &c.ConfigMap)
	decode(fnconnect.ResourceDeployment, &c.Deployment)
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

// pod is the Deployment's pod, to run with podrun: the composed ConfigMap,
// the referenced Secrets, and a directory of its own.
func (c composition) pod(t *testing.T, spec corev1.PodSpec, resolve podrun.ImageResolver) podrun.Config {
	t.Helper()
	d := c.Deployment
	return podrun.Config{
		Name: d.Name + "-0", Namespace: d.Namespace, Labels: d.Spec.Template.Labels, Annotations: d.Spec.Template.Annotations,
		Spec: spec,
		Objects: podrun.Objects{
			ConfigMaps: map[string]*corev1.ConfigMap{c.ConfigMap.Name: c.ConfigMap},
			Secrets:    credentials(spec),
		},
		Dir: t.TempDir(), Resolve: resolve,
	}
}
