package benchfloor

import (
	"context"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// Unit is the name of the ratio metric: the function's time per round trip
// divided by the no-op function's time for the same request.
const Unit = "x-floor"

// Compare benchmarks one request twice over the gRPC path: sub-benchmark
// "noop" sends it to Noop, "replay" to Replay with srv's response, and
// "function" sends it to srv and reports its time
// as a multiple of the noop's (metric x-floor). Both run back to back so that
// they see the same machine load. Both report the encoded request and
// response sizes, which bound what any function must serialize.
//
// A function that answers with a Fatal result is measured on its error
// path, not its composition; Compare fails the benchmark instead.
func Compare(b *testing.B, srv fnv1.FunctionRunnerServiceServer, req *fnv1.RunFunctionRequest) {
	b.Helper()
	fn := Serve(b, srv)
	noop := Serve(b, Noop{})
	rsp, err := fn.RunFunction(context.Background(), req)
	if err != nil {
		b.Fatalf("RunFunction: %v", err)
	}
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			b.Fatalf("the function refused the benchmark request: %s", r.GetMessage())
		}
	}

	var floor time.Duration
	b.Run("noop", func(b *testing.B) {
		floor = loop(b, noop, req)
	})
	// What serialization alone costs: a function that answers instantly
	// with the very response srv composes. Its x-floor is the least any
	// implementation of srv could reach over this protocol.
	b.Run("replay", func(b *testing.B) {
		per := loop(b, Serve(b, Replay{Response: rsp}), req)
		if floor > 0 {
			b.ReportMetric(float64(per)/float64(floor), Unit)
		}
	})
	b.Run("function", func(b *testing.B) {
		per := loop(b, fn, req)
		if floor == 0 {
			// Only the function's sub-benchmark was selected (-bench
			// .../function): time the floor now, as many calls, outside
			// the benchmark's timer (b.Loop has stopped it). A nested
			// testing.Benchmark would deadlock on the benchmark lock.
			floor = timeCalls(b, noop, req, b.N)
		}
		b.ReportMetric(float64(per)/float64(floor), Unit)
	})
}

// loop calls c with req until the benchmark has enough samples and returns
// the time per call.
func loop(b *testing.B, c fnv1.FunctionRunnerServiceClient, req *fnv1.RunFunctionRequest) time.Duration {
	b.ReportAllocs()
	ctx := context.Background()
	var rsp *fnv1.RunFunctionResponse
	for b.Loop() {
		var err error
		if rsp, err = c.RunFunction(ctx, req); err != nil {
			b.Fatalf("RunFunction: %v", err)
		}
	}
	b.ReportMetric(float64(proto.Size(req)), "req-B")
	b.ReportMetric(float64(proto.Size(rsp)), "rsp-B")
	return b.Elapsed() / time.Duration(b.N)
}

// timeCalls returns the mean time of n calls of c with req.
func timeCalls(b *testing.B, c fnv1.FunctionRunnerServiceClient, req *fnv1.RunFunctionRequest, n int) time.Duration {
	ctx := context.Background()
	start := time.Now()
	for range n {
		if _, err := c.RunFunction(ctx, req); err != nil {
			b.Fatalf("RunFunction: %v", err)
		}
	}
	return time.Since(start) / time.Duration(n)
}
