package connect

import (
	"cmp"
	"fmt"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// postgresCDCPanics lists the tested rivven-connect releases whose
// postgres-cdc source panics as it starts, as the connect tier shows on the
// real binary (TestPostgresCDC).
var postgresCDCPanics = map[string]bool{"0.0.22": true} //nolint:gochecknoglobals // Read-only table of tested facts.

// knownFailures warns about enabled sources that the tested release of
// rivven-connect cannot run, so a crash-looping worker is explained before
// anyone reads its log.
func knownFailures(spec *v1alpha1.RivvenConnectSpec) []string {
	version := cmp.Or(spec.Version, defaultVersion)
	var out []string
	for i, s := range spec.Sources {
		if s.Enabled != nil && !*s.Enabled {
			continue
		}
		if s.Connector == "postgres-cdc" && postgresCDCPanics[version] {
			out = append(out, fmt.Sprintf("spec.sources[%d] (postgres-cdc): rivven-connect %s panics starting this source "+
				"(rustls finds no process-level CryptoProvider: its default TLS mode to PostgreSQL, prefer, builds a TLS client config) "+
				"and the worker restarts forever; seen on the binary built with features postgres,mysql,http (the image's full build was not run)",
				i, version))
		}
	}
	return out
}
