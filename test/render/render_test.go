// Package render_test checks what the real Crossplane renderer makes of every
// case in cases.yaml against golden files under testdata/.
package render_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rivven/crossplane-rivven/test/render/harness"
)

var (
	update   = flag.Bool("update", false, "Rewrite the golden files with the renderer's output.")
	manifest = flag.String("manifest", "cases.yaml", "Case manifest, relative to test/render/.")
)

// root is the repository root, from this package's directory.
const root = "../.."

func TestRenderGolden(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	absRoot, err := filepath.Abs(root)
	if err != nil {
		t.Fatal(err)
	}
	o := harness.Options{
		Root:           absRoot,
		Crossplane:     filepath.Join("bin", "crossplane"),
		CrossplaneCore: filepath.Join("bin", "crossplane-core"),
		BinDir:         t.TempDir(),
		WorkDir:        t.TempDir(),
		FreePorts:      true,
		StartTimeout:   30 * time.Second,
		RenderTimeout:  time.Minute,
	}
	// Never skip: a golden test that silently does nothing proves nothing.
	if err := o.CheckCrossplane(); err != nil {
		t.Fatalf("Crossplane binaries missing: %v", err)
	}
	m, err := harness.LoadManifest(*manifest)
	if err != nil {
		t.Fatal(err)
	}
	fns, err := harness.NeededFunctions(absRoot, m, m.Cases)
	if err != nil {
		t.Fatal(err)
	}
	if err := harness.BuildFunctions(ctx, absRoot, o.BinDir, fns); err != nil {
		t.Fatal(err)
	}
	s, err := harness.Start(ctx, o, fns, m.Cases)
	t.Cleanup(s.Stop)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for name, log := range s.Logs() {
				if log != "" {
					t.Logf("%s log:\n%s", name, log)
				}
			}
		}
	})

	for _, c := range m.Cases {
		t.Run(c.Name, func(t *testing.T) {
			got := render(ctx, t, s, c)
			// Same input, same bytes: a second render must not differ.
			again := render(ctx, t, s, c)
			if diff := cmp.Diff(string(got), string(again)); diff != "" {
				t.Fatalf("two renders of the same input differ (-first +second):\n%s", diff)
			}

			golden := c.GoldenFile()
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o750); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil { //nolint:gosec // Committed test data.
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden) //nolint:gosec // Our testdata.
			if err != nil {
				t.Fatalf("%v; run go test ./test/render/ -update to write it", err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("crossplane %v differs from %s (-want +got); if the change is intended run go test ./test/render/ -update:\n%s",
					s.Args(c), golden, cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// render runs the case and normalizes the output: Crossplane's own
// per-resource Results sorted, the case's random-by-design fields redacted.
func render(ctx context.Context, t *testing.T, s *harness.Session, c harness.Case) []byte {
	t.Helper()
	out, err := s.Render(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	n, err := harness.Normalize(out, c.Redact)
	if err != nil {
		t.Fatalf("%v; output:\n%s", err, out)
	}
	return n
}
