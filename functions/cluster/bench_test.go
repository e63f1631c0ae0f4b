package cluster_test

import (
	"testing"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/cluster"
	"github.com/rivven/crossplane-rivven/functions/internal/benchfloor"
)

// BenchmarkRivvenCluster measures a RivvenCluster reconcile through the gRPC
// path against a no-op function given the same request (metric x-floor;
// target: at most 3 for the seed).
//
//   - production: the seed example in steady state, the call Crossplane
//     repeats on every poll: the RivvenCluster and every composed resource
//     as the API server returned them on the local control plane
//     (testdata/steady-production.yaml, captured with
//     hack/capture-observed.sh).
//   - production-sparse: the same call with the render example's sparse
//     observed objects, a few fields each, and the seed as written.
//   - production-first: the seed before anything exists (generates the
//     cluster auth token).
//   - minimal: spec {} with nothing observed.
func BenchmarkRivvenCluster(b *testing.B) {
	steady, steadyObserved, err := benchfloor.Captured("testdata/steady-production.yaml", "RivvenCluster")
	if err != nil {
		b.Fatal(err)
	}
	sparseObserved, err := benchfloor.ObservedFile("../../examples/render/cluster/observed-production.yaml")
	if err != nil {
		b.Fatal(err)
	}
	production, err := benchfloor.Object("../../examples/cluster/production.yaml")
	if err != nil {
		b.Fatal(err)
	}
	minimal, err := benchfloor.Object("../../examples/cluster/minimal.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		xr       map[string]any
		observed map[string]*fnv1.Resource
	}{
		{name: "production", xr: steady, observed: steadyObserved},
		{name: "production-sparse", xr: production, observed: sparseObserved},
		{name: "production-first", xr: production},
		{name: "minimal", xr: minimal},
	} {
		b.Run(c.name, func(b *testing.B) {
			req, err := benchfloor.Request(c.xr, c.observed, nil)
			if err != nil {
				b.Fatal(err)
			}
			benchfloor.Compare(b, cluster.NewFunction(logging.NewNopLogger()), req)
		})
	}
}
