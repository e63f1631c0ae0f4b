package benchfloor

import (
	"context"
	"syscall"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// Unit is the name of the ratio metric: the function's time per round trip
// divided by the no-op function's time for the same request.
const Unit = "x-floor"

// UnitCPU is the same ratio of CPU time (user and system, client and server
// together, garbage collection included). On a machine shared with other
// work, wall time includes waiting for a core; CPU time does not.
const UnitCPU = "x-floor-cpu"

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
	CompareEach(b, srv, []*fnv1.RunFunctionRequest{req})
}

// CompareEach is Compare with the calls cycling through reqs, for a function
// whose cost depends on whether it has seen a request before: distinct
// requests, more than the function remembers, measure every call as a first.
// replay answers every request with the response to the first.
func CompareEach(b *testing.B, srv fnv1.FunctionRunnerServiceServer, reqs []*fnv1.RunFunctionRequest) {
	b.Helper()
	if len(reqs) == 0 {
		b.Fatal("no request to benchmark")
	}
	req := reqs[0]
	// Where each sub-benchmark is in reqs. The testing package may run a
	// sub-benchmark's function more than once (a first run with N = 1);
	// going on from where the last run stopped keeps every call on a request
	// the function has not just seen.
	var noopNext, replayNext, fnNext int
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

	var floor, floorCPU time.Duration
	b.Run("noop", func(b *testing.B) {
		floor, floorCPU = loop(b, noop, reqs, &noopNext)
	})
	// What serialization alone costs: a function that answers instantly
	// with the very response srv composes. Its x-floor is the least any
	// implementation of srv could reach over this protocol.
	b.Run("replay", func(b *testing.B) {
		per, cpu := loop(b, Serve(b, Replay{Response: rsp}), reqs, &replayNext)
		if floor > 0 {
			b.ReportMetric(float64(per)/float64(floor), Unit)
			b.ReportMetric(float64(cpu)/float64(floorCPU), UnitCPU)
		}
	})
	b.Run("function", func(b *testing.B) {
		per, cpu := loop(b, fn, reqs, &fnNext)
		if floor == 0 {
			// Only the function's sub-benchmark was selected (-bench
			// .../function): time the floor now, as many calls, outside
			// the benchmark's timer (b.Loop has stopped it). A nested
			// testing.Benchmark would deadlock on the benchmark lock.
			floor, floorCPU = timeCalls(b, noop, reqs, &noopNext, b.N)
		}
		b.ReportMetric(float64(per)/float64(floor), Unit)
		b.ReportMetric(float64(cpu)/float64(floorCPU), UnitCPU)
	})
}

// loop calls c with each of reqs in turn, from reqs[*next] on, until the
// benchmark has enough samples and returns the wall and CPU time per call.
func loop(b *testing.B, c fnv1.FunctionRunnerServiceClient, reqs []*fnv1.RunFunctionRequest, next *int) (wall, cpu time.Duration) {
	b.ReportAllocs()
	ctx := context.Background()
	var rsp *fnv1.RunFunctionResponse
	var cpu0 time.Duration
	for b.Loop() {
		if cpu0 == 0 {
			// b.Loop runs once: its timer starts with the first call.
			cpu0 = processCPU()
		}
		var err error
		if rsp, err = c.RunFunction(ctx, reqs[*next%len(reqs)]); err != nil {
			b.Fatalf("RunFunction: %v", err)
		}
		*next++
	}
	cpu = (processCPU() - cpu0) / time.Duration(b.N)
	b.ReportMetric(float64(proto.Size(reqs[0])), "req-B")
	b.ReportMetric(float64(proto.Size(rsp)), "rsp-B")
	b.ReportMetric(float64(cpu.Nanoseconds()), "cpu-ns/op")
	return b.Elapsed() / time.Duration(b.N), cpu
}

// processCPU is this process's user and system CPU time so far.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// timeCalls returns the mean wall and CPU time of n calls of c, cycling
// through reqs from reqs[*next] on.
func timeCalls(b *testing.B, c fnv1.FunctionRunnerServiceClient, reqs []*fnv1.RunFunctionRequest, next *int, n int) (wall, cpu time.Duration) {
	ctx := context.Background()
	start, cpu0 := time.Now(), processCPU()
	for range n {
		*next++
		if _, err := c.RunFunction(ctx, reqs[(*next-1)%len(reqs)]); err != nil {
			b.Fatalf("RunFunction: %v", err)
		}
	}
	return time.Since(start) / time.Duration(n), (processCPU() - cpu0) / time.Duration(n)
}
