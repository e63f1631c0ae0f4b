package benchfloor

import (
	"fmt"
	"maps"
	"slices"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// SettledProblems lists how rsp falls short of the answer to a settled
// composite's request: every observed composed resource still desired (one
// missing would be deleted), ready, and without the managed fields the API
// server wrote (Crossplane refuses to apply an object that sets them). The
// steady-state benchmarks replay such requests; tests hold the functions to
// this so the benchmarks measure that path.
func SettledProblems(req *fnv1.RunFunctionRequest, rsp *fnv1.RunFunctionResponse) []string {
	var out []string
	for _, name := range slices.Sorted(maps.Keys(req.GetObserved().GetResources())) {
		r, ok := rsp.GetDesired().GetResources()[name]
		if !ok {
			out = append(out, fmt.Sprintf("observed %s is no longer desired: Crossplane would delete it", name))
			continue
		}
		if r.GetReady() != fnv1.Ready_READY_TRUE {
			out = append(out, fmt.Sprintf("%s ready = %v, want READY_TRUE", name, r.GetReady()))
		}
		md, _ := r.GetResource().AsMap()["metadata"].(map[string]any)
		if _, ok := md["managedFields"]; ok {
			out = append(out, fmt.Sprintf("desired %s carries managedFields", name))
		}
	}
	return out
}
