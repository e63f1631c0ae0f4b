package cluster

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/internal/benchfloor"
)

// steadyRequest is the request Crossplane sends for the seed's production
// cluster once it runs: the XR and its composed resources as the API server
// returned them, managed fields included (testdata/steady-production.yaml,
// which the benchmarks replay too).
func steadyRequest(t *testing.T) *fnv1.RunFunctionRequest {
	t.Helper()
	xr, observed, err := benchfloor.Captured("testdata/steady-production.yaml", "RivvenCluster")
	if err != nil {
		t.Fatal(err)
	}
	req, err := benchfloor.Request(xr, observed, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestSteadyState runs the call Crossplane repeats on every poll of a
// running cluster: everything ready, the XR Running, the observed token kept,
// and no managed field of the observed objects carried into the desired ones
// (Crossplane refuses to apply an object that sets metadata.managedFields).
func TestSteadyState(t *testing.T) {
	req := steadyRequest(t)
	rsp := run(t, req)
	if f := fatal(rsp); f != "" {
		t.Fatalf("Fatal: %s", f)
	}
	for _, p := range benchfloor.SettledProblems(req, rsp) {
		t.Error(p)
	}
	st, _ := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	if st["phase"] != "Running" || st["readyReplicas"] != 3.0 {
		t.Errorf("status = %v, want phase Running with 3 ready replicas", st)
	}
	token := func(r *fnv1.Resource) any {
		return r.GetResource().AsMap()["data"].(map[string]any)["cluster-auth-token"]
	}
	if got, want := token(rsp.GetDesired().GetResources()[string(KeyAuthSecret)]), token(req.GetObserved().GetResources()[string(KeyAuthSecret)]); got != want {
		t.Errorf("auth token changed in steady state: got %v, want the observed one", got)
	}
}

// TestKeepsEarlierPipelineSteps: a function in a pipeline must pass on what
// earlier steps desired and change only its own resources.
func TestKeepsEarlierPipelineSteps(t *testing.T) {
	req := newRequest(t, xrYAML("  {}\n"), nil)
	extra := mustStruct(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-an-earlier-step}\n")
	req.Desired = &fnv1.State{
		Composite: &fnv1.Resource{Resource: mustStruct(t, "status: {fromEarlierStep: kept}\n")},
		Resources: map[string]*fnv1.Resource{"earlier": {Resource: extra, Ready: fnv1.Ready_READY_TRUE}},
	}
	rsp := run(t, req)
	if diff := cmp.Diff(&fnv1.Resource{Resource: extra, Ready: fnv1.Ready_READY_TRUE}, rsp.GetDesired().GetResources()["earlier"], protocmp.Transform()); diff != "" {
		t.Errorf("earlier step's resource (-sent +returned):\n%s", diff)
	}
	if len(rsp.GetDesired().GetResources()) < 2 {
		t.Errorf("desired resources = %v, want the earlier step's and the cluster's", keys(rsp))
	}
	st, _ := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
	if st["fromEarlierStep"] != "kept" || st["phase"] == nil {
		t.Errorf("desired XR status = %v, want the earlier step's field and the phase", st)
	}
}
