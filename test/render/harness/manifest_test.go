package harness

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadManifest(t *testing.T) {
	const fn = "functions:\n- {name: f, package: ./cmd/f, port: 9443}\n"
	const okCase = "- {name: a, xr: x.yaml, composition: c.yaml, functions: f.yaml}\n"
	cases := map[string]struct {
		data    string
		wantErr string // Substring of the error; "" for none.
	}{
		"Valid":            {data: fn + "cases:\n" + okCase},
		"UnknownField":     {data: fn + "cases:\n- {name: a, xr: x.yaml, composition: c.yaml, functions: f.yaml, observd: o.yaml}\n", wantErr: "observd"},
		"DuplicateCase":    {data: fn + "cases:\n" + okCase + okCase, wantErr: `cases[1].name "a" is listed twice`},
		"BadCaseName":      {data: fn + "cases:\n- {name: A_B, xr: x.yaml, composition: c.yaml, functions: f.yaml}\n", wantErr: "cases[0].name"},
		"MissingXR":        {data: fn + "cases:\n- {name: a, composition: c.yaml, functions: f.yaml}\n", wantErr: "cases[0].xr is required"},
		"MissingFunctions": {data: fn + "cases:\n- {name: a, xr: x.yaml, composition: c.yaml}\n", wantErr: "cases[0].functions is required"},
		"PortTwice":        {data: fn + "- {name: g, package: ./cmd/g, port: 9443}\n", wantErr: "functions[1].port 9443 is already used by f"},
		"PortOutOfRange":   {data: "functions:\n- {name: f, package: ./cmd/f, port: 70000}\n", wantErr: "functions[0].port"},
		"MissingPackage":   {data: "functions:\n- {name: f, port: 9443}\n", wantErr: "functions[0].package is required"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "cases.yaml")
			if err := os.WriteFile(file, []byte(tc.data), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadManifest(file)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("LoadManifest() unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("LoadManifest() error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
}

// The committed manifest must load, and every golden file name must be unique.
func TestCommittedManifest(t *testing.T) {
	m, err := LoadManifest(filepath.Join("..", "cases.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	for _, c := range m.Cases {
		if other, ok := seen[c.GoldenFile()]; ok {
			t.Errorf("cases %s and %s share golden file %s", other, c.Name, c.GoldenFile())
		}
		seen[c.GoldenFile()] = c.Name
	}
}
