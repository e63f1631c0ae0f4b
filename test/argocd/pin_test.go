package argocd

import (
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/mod/modfile"
)

// The end-to-end tier runs the Argo CD that hack/argocd builds; these tests
// run the health engine of the Argo CD pinned here. They must be one release.
func TestSameArgoCDAsTheEndToEndTier(t *testing.T) {
	read := func(path string) *modfile.File {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := modfile.ParseLax(path, raw, nil)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	pins := func(f *modfile.File) map[string]string {
		m := map[string]string{"toolchain": ""}
		if f.Toolchain != nil {
			m["toolchain"] = f.Toolchain.Name
		}
		for _, r := range f.Require {
			if r.Mod.Path == "github.com/argoproj/argo-cd/v3" {
				m[r.Mod.Path] = r.Mod.Version
			}
		}
		for _, r := range f.Replace {
			m["replace "+r.Old.Path] = r.New.Path + "@" + r.New.Version
		}
		return m
	}
	if d := cmp.Diff(pins(read("../../hack/argocd/go.mod")), pins(read("go.mod"))); d != "" {
		t.Errorf("Argo CD pins differ (-hack/argocd +test/argocd):\n%s", d)
	}
}
