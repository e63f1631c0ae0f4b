package benchfloor

import (
	"context"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/response"
)

// Noop is the floor: a function that does only what every function must,
// return the desired state and context it was given.
type Noop struct {
	fnv1.UnimplementedFunctionRunnerServiceServer
}

// RunFunction echoes the request's desired state.
func (Noop) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	return response.To(req, response.DefaultTTL), nil
}

// Replay answers every request with one fixed response: the cost of
// serializing a function's output without the cost of computing it.
type Replay struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	Response *fnv1.RunFunctionResponse
}

// RunFunction returns the fixed response.
func (r Replay) RunFunction(context.Context, *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	return r.Response, nil
}
