// Command function-rivven-cluster serves the RivvenCluster composition
// function over gRPC.
package main

import (
	"github.com/alecthomas/kong"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/cluster"
	"github.com/rivven/crossplane-rivven/functions/internal/serve"
)

func main() {
	cli := &serve.CLI{}
	ctx := kong.Parse(cli, kong.Description("A Crossplane composition function that runs Rivven broker clusters."))
	ctx.FatalIfErrorf(cli.Serve(func(log logging.Logger) fnv1.FunctionRunnerServiceServer {
		return cluster.NewFunction(log)
	}))
}
