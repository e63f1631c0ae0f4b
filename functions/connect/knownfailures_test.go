package connect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

func TestKnownFailures(t *testing.T) {
	off := false
	panics := `spec.sources[1] (postgres-cdc): rivven-connect 0.0.22 panics starting this source (rustls finds no process-level CryptoProvider: its default TLS mode to PostgreSQL, prefer, builds a TLS client config) and the worker restarts forever; seen on the binary built with features postgres,mysql,http (the image's full build was not run)`
	gen := v1alpha1.SourceConnectorSpec{Name: "gen", Connector: "datagen"}
	pg := v1alpha1.SourceConnectorSpec{Name: "pg", Connector: "postgres-cdc"}
	pgOff := v1alpha1.SourceConnectorSpec{Name: "pg", Connector: "postgres-cdc", Enabled: &off}
	cases := map[string]struct {
		version string
		sources []v1alpha1.SourceConnectorSpec
		want    []string
	}{
		"DefaultVersion":   {sources: []v1alpha1.SourceConnectorSpec{gen, pg}, want: []string{panics}},
		"TestedVersion":    {version: "0.0.22", sources: []v1alpha1.SourceConnectorSpec{gen, pg}, want: []string{panics}},
		"OtherVersion":     {version: "0.0.23", sources: []v1alpha1.SourceConnectorSpec{gen, pg}},
		"Disabled":         {sources: []v1alpha1.SourceConnectorSpec{gen, pgOff}},
		"NoPostgresSource": {sources: []v1alpha1.SourceConnectorSpec{gen}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := knownFailures(&v1alpha1.RivvenConnectSpec{Version: tc.version, Sources: tc.sources})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("knownFailures (-want +got):\n%s", diff)
			}
		})
	}
}
