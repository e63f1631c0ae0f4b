package cluster

import (
	"bytes"
	"context"
	"os"
	"testing"

	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// fixedRandom yields a known token so expected Secrets can be written down.
func fixedRandom() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0xab}, tokenBytes)) }

// mustStruct converts YAML into a protobuf Struct.
func mustStruct(t *testing.T, y string) *structpb.Struct {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		t.Fatalf("bad YAML: %v", err)
	}
	s, err := structpb.NewStruct(m)
	if err != nil {
		t.Fatalf("cannot convert to Struct: %v", err)
	}
	return s
}

// readFile returns a file of the repository, relative to this package.
func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("cannot read %s: %v", path, err)
	}
	return string(b)
}

// newRequest builds a RunFunctionRequest for an XR and observed composed
// resources keyed by composition-resource name.
func newRequest(t *testing.T, xr string, observed map[string]string) *fnv1.RunFunctionRequest {
	t.Helper()
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: mustStruct(t, xr)}}}
	if len(observed) > 0 {
		req.Observed.Resources = map[string]*fnv1.Resource{}
		for k, v := range observed {
			req.Observed.Resources[k] = &fnv1.Resource{Resource: mustStruct(t, v)}
		}
	}
	return req
}

// run runs the function with a fixed token source.
func run(t *testing.T, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	t.Helper()
	rsp, err := NewFunction(logging.NewNopLogger(), WithRandom(fixedRandom())).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatalf("RunFunction returned an error: %v", err)
	}
	return rsp
}

// desired returns a desired composed resource as a plain map.
func desired(t *testing.T, rsp *fnv1.RunFunctionResponse, key string) map[string]any {
	t.Helper()
	r, ok := rsp.GetDesired().GetResources()[key]
	if !ok {
		t.Fatalf("no desired resource %q; results: %v", key, rsp.GetResults())
	}
	return r.GetResource().AsMap()
}

// xrYAML is a RivvenCluster named "c" in namespace "ns" with the given spec
// (indented by two spaces).
func xrYAML(spec string) string {
	return "apiVersion: rivven.io/v1alpha1\nkind: RivvenCluster\nmetadata:\n  name: c\n  namespace: ns\nspec:\n" + spec
}

// get walks a decoded object by keys and list indexes.
func get(t *testing.T, obj any, path ...any) any {
	t.Helper()
	cur := obj
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := cur.(map[string]any)
			if !ok {
				t.Fatalf("path %v: %T is not an object at %q", path, cur, k)
			}
			cur = m[k]
		case int:
			l, ok := cur.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("path %v: no index %d", path, k)
			}
			cur = l[k]
		}
	}
	return cur
}

// container returns the broker container of a desired StatefulSet.
func brokerContainer(t *testing.T, sts map[string]any) map[string]any {
	t.Helper()
	return get(t, sts, "spec", "template", "spec", "containers", 0).(map[string]any)
}

// envMap flattens container env into name -> value or a description of
// valueFrom.
func envMap(t *testing.T, ctr map[string]any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, e := range ctr["env"].([]any) {
		m := e.(map[string]any)
		if v, ok := m["value"]; ok {
			out[m["name"].(string)] = v
		} else {
			out[m["name"].(string)] = m["valueFrom"]
		}
	}
	return out
}

// fatal returns the message of the Fatal result, or "".
func fatal(rsp *fnv1.RunFunctionResponse) string {
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return r.GetMessage()
		}
	}
	return ""
}
