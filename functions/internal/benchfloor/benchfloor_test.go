package benchfloor

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// BenchmarkNoop is the floor of the smallest call: the minimal
// RivvenCluster, nothing observed, through the gRPC path.
func BenchmarkNoop(b *testing.B) {
	xr, err := Object("../../../examples/cluster/minimal.yaml")
	if err != nil {
		b.Fatal(err)
	}
	req, err := Request(xr, nil, nil)
	if err != nil {
		b.Fatal(err)
	}
	loop(b, Serve(b, Noop{}), []*fnv1.RunFunctionRequest{req}, new(int))
}

// TestServeRoundTrip proves the in-process path carries a request to the
// function and its response back intact, so benchmarks measure real calls.
func TestServeRoundTrip(t *testing.T) {
	xr := map[string]any{"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenCluster", "metadata": map[string]any{"name": "a"}}
	desired, err := Resource(map[string]any{"kind": "ConfigMap"})
	if err != nil {
		t.Fatal(err)
	}
	req, err := Request(xr, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Desired.Resources = map[string]*fnv1.Resource{"cm": desired}
	rsp, err := Serve(t, Noop{}).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(req.GetDesired(), rsp.GetDesired(), protocmp.Transform()); d != "" {
		t.Errorf("desired state after the round trip (-sent +received):\n%s", d)
	}
	if rsp.GetMeta().GetTag() != "bench" {
		t.Errorf("tag = %q, want the request's", rsp.GetMeta().GetTag())
	}
}

func TestObservedNeedsResourceName(t *testing.T) {
	named := map[string]any{"metadata": map[string]any{"name": "x", "annotations": map[string]any{annotationResourceName: "svc"}}}
	unnamed := map[string]any{"metadata": map[string]any{"name": "y"}}
	got, err := Observed([]map[string]any{named})
	if err != nil || len(got) != 1 || got["svc"] == nil {
		t.Errorf("Observed(named) = %v, %v; want one resource keyed svc", got, err)
	}
	if _, err := Observed([]map[string]any{named, unnamed}); err == nil {
		t.Error("Observed accepted an object without the composition-resource-name annotation")
	}
}

func TestSettledProblems(t *testing.T) {
	obj := func(m map[string]any) *fnv1.Resource {
		r, err := Resource(m)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	plain := map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "a"}}
	managed := map[string]any{"kind": "ConfigMap", "metadata": map[string]any{"name": "b", "managedFields": []any{map[string]any{"manager": "x"}}}}
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Resources: map[string]*fnv1.Resource{
		"kept": obj(plain), "unready": obj(plain), "managed": obj(plain), "dropped": obj(plain),
	}}}
	rsp := &fnv1.RunFunctionResponse{Desired: &fnv1.State{Resources: map[string]*fnv1.Resource{
		"kept":    {Resource: obj(plain).GetResource(), Ready: fnv1.Ready_READY_TRUE},
		"unready": {Resource: obj(plain).GetResource(), Ready: fnv1.Ready_READY_FALSE},
		"managed": {Resource: obj(managed).GetResource(), Ready: fnv1.Ready_READY_TRUE},
	}}}
	want := []string{
		"observed dropped is no longer desired: Crossplane would delete it",
		"desired managed carries managedFields",
		"unready ready = READY_FALSE, want READY_TRUE",
	}
	if diff := cmp.Diff(want, SettledProblems(req, rsp)); diff != "" {
		t.Errorf("SettledProblems (-want +got):\n%s", diff)
	}
	delete(req.Observed.Resources, "dropped")
	delete(req.Observed.Resources, "unready")
	delete(req.Observed.Resources, "managed")
	if got := SettledProblems(req, rsp); len(got) != 0 {
		t.Errorf("SettledProblems of a settled answer = %v, want none", got)
	}
}
