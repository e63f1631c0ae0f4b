package observed

import (
	"testing"

	"github.com/crossplane/function-sdk-go/request"

	"github.com/rivven/crossplane-rivven/functions/internal/benchfloor"
)

// BenchmarkComposedResources reads the observed composed resources of a
// settled RivvenCluster as Crossplane sends them, with the SDK's helper and
// without managed fields.
func BenchmarkComposedResources(b *testing.B) {
	xr, observed, err := benchfloor.Captured("../../cluster/testdata/steady-production.yaml", "RivvenCluster")
	if err != nil {
		b.Fatal(err)
	}
	req, err := benchfloor.Request(xr, observed, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := request.GetObservedComposedResources(req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("without-managed-fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ComposedResources(req)
		}
	})
}
