package broker

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/cluster"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// composition is what function-rivven-cluster composed for one RivvenCluster,
// typed where the broker tier reads it.
type composition struct {
	XR          map[string]any
	StatefulSet *appsv1.StatefulSet
	ConfigMap   *corev1.ConfigMap
	AuthSecret  *corev1.Secret
	Headless    *corev1.Service
	Client      *corev1.Service
	// ServiceMonitor and ProviderConfig stay unstructured.
	ServiceMonitor, ProviderConfig map[string]any
	Results                        []*fnv1.Result
	Conditions                     []*fnv1.Condition
}

// compose runs the real function in process on a RivvenCluster (YAML), with
// nothing observed yet: the first reconcile of a new cluster.
func compose(t *testing.T, xr string) composition {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(xr), &m); err != nil {
		t.Fatal(err)
	}
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatal(err)
	}
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}}}
	rsp, err := cluster.NewFunction(logging.NewNopLogger()).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			t.Fatalf("the function refused the cluster: %s", r.GetMessage())
		}
	}
	c := composition{XR: m, Results: rsp.GetResults(), Conditions: rsp.GetConditions()}
	res := rsp.GetDesired().GetResources()
	decode := func(key string, into any) {
		r, ok := res[key]
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
	decode(string(cluster.KeyStatefulSet), &c.StatefulSet)
	decode(string(cluster.KeyConfigMap), &c.ConfigMap)
	decode(string(cluster.KeyAuthSecret), &c.AuthSecret)
	decode(string(cluster.KeyHeadlessService), &c.Headless)
	decode(string(cluster.KeyClientService), &c.Client)
	decode(string(cluster.KeyProviderConfig), &c.ProviderConfig)
	if _, ok := res[string(cluster.KeyServiceMonitor)]; ok {
		decode(string(cluster.KeyServiceMonitor), &c.ServiceMonitor)
	}
	return c
}

// brokerPod is pod N of the composed StatefulSet as the StatefulSet
// controller creates it: the template's labels plus the pod-name label, the
// template's spec; the claim template's volume is the pod's own directory.
func (c composition) brokerPod(t *testing.T, ordinal int, dir string, objs podrun.Objects) podrun.Config {
	t.Helper()
	sts := c.StatefulSet
	name := sts.Name + "-" + strconv.Itoa(ordinal)
	labels := map[string]string{"statefulset.kubernetes.io/pod-name": name}
	for k, v := range sts.Spec.Template.Labels {
		labels[k] = v
	}
	objs.ConfigMaps[c.ConfigMap.Name] = c.ConfigMap
	objs.Secrets[c.AuthSecret.Name] = c.AuthSecret
	return podrun.Config{
		Name: name, Namespace: sts.Namespace, Labels: labels, Annotations: sts.Spec.Template.Annotations,
		Spec: *sts.Spec.Template.Spec.DeepCopy(), Objects: objs, Dir: dir,
		Resolve: resolveImage,
		// Short enough that a crash-looping broker shows in a test's
		// time, long enough to see CrashLoopBackOff between attempts.
		BackOff: 2 * time.Second,
	}
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

func emptyObjects() podrun.Objects {
	return podrun.Objects{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{}}
}

// warnings are the Warning results of the composition.
func (c composition) warnings() []string {
	var out []string
	for _, r := range c.Results {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			out = append(out, r.GetMessage())
		}
	}
	return out
}
