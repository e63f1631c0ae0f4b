// Package benchfloor measures composition functions against the physical
// floor of a call: a no-op function served over the same gRPC path.
//
// Crossplane calls a function over gRPC, so every call pays for protobuf
// serialization of the request and the response on both sides. A benchmark
// that calls RunFunction directly would hide that cost and flatter the
// function; one that includes it must say how much of the time is the
// function's own. This package serves any FunctionRunnerServiceServer on an
// in-process listener (no sockets, no TLS) and reports each function's time
// as a multiple of the no-op function's time for the same request.
package benchfloor
