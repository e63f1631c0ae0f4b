package connect

import (
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/internal/benchfloor"
)

// steadyRequest is the request Crossplane sends for the seed's cdc-pipeline
// once it runs: the XR, its composed resources and the required
// RivvenCluster as the API server returned them, managed fields included
// (testdata/, which the benchmarks replay too).
func steadyRequest(t testing.TB) *fnv1.RunFunctionRequest {
	t.Helper()
	xr, observed, err := benchfloor.Captured("testdata/steady-cdc-pipeline.yaml", "RivvenConnect")
	if err != nil {
		t.Fatal(err)
	}
	cl, err := benchfloor.Object("testdata/required-production.yaml")
	if err != nil {
		t.Fatal(err)
	}
	req, err := benchfloor.Request(xr, observed, map[string][]map[string]any{RequiredCluster: {cl}})
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// TestSteadyState runs the call Crossplane repeats on every poll of a
// running pipeline: every observed resource still desired and ready, the
// XR Running with its cluster ready, and no managed field carried into a
// desired object.
func TestSteadyState(t *testing.T) {
	req := steadyRequest(t)
	rsp := run(t, req)
	if f := fatal(rsp); f != "" {
		t.Fatalf("Fatal: %s", f)
	}
	for _, p := range benchfloor.SettledProblems(req, rsp) {
		t.Error(p)
	}
	if st := xrStatus(rsp); st["phase"] != PhaseRunning {
		t.Errorf("status = %v, want phase %s", st, PhaseRunning)
	}
	if c := condition(rsp, ConditionClusterReady); c.GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE {
		t.Errorf("%s = %v, want True", ConditionClusterReady, c)
	}
}
