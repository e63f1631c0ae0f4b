// Package serve is the command line both composition functions share: how
// they listen, authenticate Crossplane and expose metrics.
package serve

import (
	"github.com/crossplane/function-sdk-go"
	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// CLI holds the flags of a composition function binary.
type CLI struct {
	Debug bool `help:"Emit debug logs in addition to info logs." short:"d"`

	Network     string `default:"tcp"   help:"Network on which to listen for gRPC connections."`
	Address     string `default:":9443" help:"Address at which to listen for gRPC connections."`
	TLSCertsDir string `env:"TLS_SERVER_CERTS_DIR" help:"Directory containing server certs (tls.key, tls.crt) and the CA used to verify client certificates (ca.crt)."`
	Insecure    bool   `help:"Run without mTLS credentials. If you supply this flag --tls-certs-dir will be ignored."`

	// Two functions on one host would both claim the SDK's default :8080
	// and the second would silently serve no metrics, so the address is a
	// flag.
	MetricsAddress string `default:":8080" help:"Address of the Prometheus metrics server (/metrics). Empty disables it."`
}

// Serve runs the function that newFunction returns until serving fails.
func (c *CLI) Serve(newFunction func(logging.Logger) fnv1.FunctionRunnerServiceServer) error {
	log, err := function.NewLogger(c.Debug)
	if err != nil {
		return err
	}
	return function.Serve(newFunction(log),
		function.Listen(c.Network, c.Address),
		function.MTLSCertificates(c.TLSCertsDir),
		function.Insecure(c.Insecure),
		function.WithMetricsServer(c.MetricsAddress))
}
