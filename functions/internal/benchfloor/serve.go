package benchfloor

import (
	"context"
	"net"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/test/bufconn"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// bufSize is the in-memory buffer of one connection; gRPC's flow control
// streams larger messages through it.
const bufSize = 1 << 20

// maxMessage matches what Crossplane allows a function response to be, so
// that a large composition fails here as it would in a cluster.
const maxMessage = 100 << 20

// Serve serves srv on an in-process listener until tb ends and returns a
// client connected to it. Requests and responses cross the real gRPC client
// and server, protobuf encoding included.
func Serve(tb testing.TB, srv fnv1.FunctionRunnerServiceServer) fnv1.FunctionRunnerServiceClient {
	tb.Helper()
	lis := bufconn.Listen(bufSize)
	s := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessage), grpc.MaxSendMsgSize(maxMessage))
	fnv1.RegisterFunctionRunnerServiceServer(s, srv)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(lis)
	}()
	conn, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(maxMessage), grpc.MaxCallSendMsgSize(maxMessage)),
	)
	if err != nil {
		tb.Fatalf("cannot connect to the in-process function server: %v", err)
	}
	tb.Cleanup(func() {
		_ = conn.Close()
		s.Stop()
		<-done
	})
	return fnv1.NewFunctionRunnerServiceClient(conn)
}
