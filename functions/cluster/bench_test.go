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
//   - production: the seed example in steady state, every composed
//     resource observed as the render example reports it (the call
//     Crossplane repeats on every poll).
//   - production-first: the seed before anything exists (generates the
//     cluster auth token).
//   - minimal: spec {} with nothing observed.
func BenchmarkRivvenCluster(b *testing.B) {
	observed, err := benchfloor.Objects("../../examples/render/cluster/observed-production.yaml")
	if err != nil {
		b.Fatal(err)
	}
	obs, err := benchfloor.Observed(observed)
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		xr       string
		observed map[string]*fnv1.Resource
	}{
		{name: "production", xr: "../../examples/cluster/production.yaml", observed: obs},
		{name: "production-first", xr: "../../examples/cluster/production.yaml"},
		{name: "minimal", xr: "../../examples/cluster/minimal.yaml"},
	} {
		b.Run(c.name, func(b *testing.B) {
			xr, err := benchfloor.Object(c.xr)
			if err != nil {
				b.Fatal(err)
			}
			req, err := benchfloor.Request(xr, c.observed, nil)
			if err != nil {
				b.Fatal(err)
			}
			benchfloor.Compare(b, cluster.NewFunction(logging.NewNopLogger()), req)
		})
	}
}
