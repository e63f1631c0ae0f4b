package connect_test

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/connect"
	"github.com/rivven/crossplane-rivven/functions/internal/benchfloor"
)

// BenchmarkRivvenConnect measures a RivvenConnect reconcile through the gRPC
// path against a no-op function given the same request (metric x-floor;
// target: at most 10 for 50 sources and 50 sinks). Every case is the
// steady state: the RivvenCluster it references is Running and required,
// and the pipeline's composed resources are observed.
//
//   - cdc-pipeline: the seed example as Crossplane sends it on every poll:
//     the RivvenConnect, its composed resources and the RivvenCluster as
//     the API server returned them on the local control plane (testdata/,
//     captured with hack/capture-observed.sh).
//   - cdc-pipeline-sparse: the seed as written, with the render example's
//     sparse observed objects and cluster, a few fields each.
//   - 32+32: the most connectors the schema admits (32 sources, 32 sinks).
//   - 50+50: 50 sources and 50 sinks, beyond what admission allows; the
//     function composes it all the same, so it bounds the cost.
//   - 50+50-new-spec: 50+50 with the spec changed on every call (257
//     variants, one more than the function keeps rendered pipeline files),
//     so that every call renders its pipeline file: the first call after
//     a change. The others measure the call Crossplane repeats every poll.
//
// The scaled cases use the sparse observed objects, so the request, and
// with it the floor, is smaller than Crossplane's would be.
func BenchmarkRivvenConnect(b *testing.B) {
	seed, err := benchfloor.Object("../../examples/connect/cdc-pipeline.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cl, err := benchfloor.Object("../../examples/render/connect/required-production.yaml")
	if err != nil {
		b.Fatal(err)
	}
	observed, err := benchfloor.ObservedFile("../../examples/render/connect/observed-cdc-pipeline.yaml")
	if err != nil {
		b.Fatal(err)
	}
	steady, steadyObserved, err := benchfloor.Captured("testdata/steady-cdc-pipeline.yaml", "RivvenConnect")
	if err != nil {
		b.Fatal(err)
	}
	steadyCluster, err := benchfloor.Object("testdata/required-production.yaml")
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name     string
		xr       map[string]any
		observed map[string]*fnv1.Resource
		cluster  map[string]any
	}{
		{name: "cdc-pipeline", xr: steady, observed: steadyObserved, cluster: steadyCluster},
		{name: "cdc-pipeline-sparse", xr: seed, observed: observed, cluster: cl},
		{name: "32+32", xr: scaled(b, seed, 32, 32), observed: observed, cluster: cl},
		{name: "50+50", xr: scaled(b, seed, 50, 50), observed: observed, cluster: cl},
	} {
		b.Run(c.name, func(b *testing.B) {
			req, err := benchfloor.Request(c.xr, c.observed, map[string][]map[string]any{connect.RequiredCluster: {c.cluster}})
			if err != nil {
				b.Fatal(err)
			}
			benchfloor.Compare(b, &connect.Function{}, req)
		})
	}
	b.Run("50+50-new-spec", func(b *testing.B) {
		// Names unique to this run: with -count, an earlier run's
		// variants would still be in the function's cache.
		newSpecRuns++
		base := scaled(b, seed, 50, 50)
		var reqs []*fnv1.RunFunctionRequest
		for v := range 257 {
			xr := runtime.DeepCopyJSON(base)
			sink := xr["spec"].(map[string]any)["sinks"].([]any)[0].(map[string]any)
			sink["consumerGroup"] = fmt.Sprintf("group-00-r%d-v%03d", newSpecRuns, v)
			req, err := benchfloor.Request(xr, observed, map[string][]map[string]any{connect.RequiredCluster: {cl}})
			if err != nil {
				b.Fatal(err)
			}
			reqs = append(reqs, req)
		}
		benchfloor.CompareEach(b, &connect.Function{}, reqs)
	})
}

// scaled copies the seed with its connectors repeated: sources cycle over
// the seed's sources, sinks over its sinks (typed S3 and stdout, generic
// custom), each with its own name, topic, slot and consumer group so the
// pipeline stays valid.
func scaled(b *testing.B, seed map[string]any, sources, sinks int) map[string]any {
	b.Helper()
	xr := runtime.DeepCopyJSON(seed)
	spec := xr["spec"].(map[string]any)
	src := spec["sources"].([]any)
	snk := spec["sinks"].([]any)
	var outSrc, outSnk []any
	for i := range sources {
		s := runtime.DeepCopyJSONValue(src[i%len(src)]).(map[string]any)
		s["name"] = fmt.Sprintf("source-%02d", i)
		s["topic"] = fmt.Sprintf("cdc.events.%02d", i)
		if pg, ok := s["postgresCdc"].(map[string]any); ok {
			pg["slotName"] = fmt.Sprintf("rivven_cdc_slot_%02d", i)
		}
		outSrc = append(outSrc, s)
	}
	for i := range sinks {
		s := runtime.DeepCopyJSONValue(snk[i%len(snk)]).(map[string]any)
		s["name"] = fmt.Sprintf("sink-%02d", i)
		s["topics"] = []any{fmt.Sprintf("cdc.events.%02d", i%max(sources, 1))}
		s["consumerGroup"] = fmt.Sprintf("group-%02d", i)
		outSnk = append(outSnk, s)
	}
	spec["sources"], spec["sinks"] = outSrc, outSnk
	return xr
}

// newSpecRuns counts the runs of 50+50-new-spec in this process.
var newSpecRuns int //nolint:gochecknoglobals // Benchmark bookkeeping.

var _ fnv1.FunctionRunnerServiceServer = &connect.Function{}
