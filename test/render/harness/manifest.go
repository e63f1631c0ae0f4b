// Package harness renders the repository's example composite resources with
// the real Crossplane renderer (`crossplane render --crossplane-binary`) and
// our composition functions running as local processes on loopback. It backs
// both `make render` (hack/render.sh) and the render golden test.
package harness

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"

	"sigs.k8s.io/yaml"
)

// Manifest lists the functions the cases need and the cases themselves.
// Every path in it is relative to the repository root.
type Manifest struct {
	Functions []Function `json:"functions"`
	Cases     []Case     `json:"cases"`
}

// Function is a composition function the harness builds and starts.
type Function struct {
	// Name is the Function's metadata.name in the functions files.
	Name string `json:"name"`
	// Package is the Go main package, e.g. ./functions/cluster/cmd/function-rivven-cluster.
	// Its binary is named after the package's last path element.
	Package string `json:"package"`
	// Port is the loopback port `make render` serves the function on. The
	// golden test picks free ports instead so it never collides with a
	// running `make render`.
	Port int `json:"port"`
	// Args are extra arguments for the function, after --insecure and --address.
	Args []string `json:"args,omitempty"`
}

// Binary is the file name `go build -o DIR/` gives the function's binary.
func (f Function) Binary() string { return path.Base(f.Package) }

// Case is one `crossplane render` invocation.
type Case struct {
	// Name identifies the case; the golden file defaults to testdata/<name>.yaml.
	Name        string `json:"name"`
	XR          string `json:"xr"`
	Composition string `json:"composition"`
	// Functions is the functions file (Function objects with the
	// render.crossplane.io/runtime: Development annotation).
	Functions string `json:"functions"`
	// Observed is a file or directory of observed composed resources (-o).
	Observed string `json:"observed,omitempty"`
	// Required are files or directories of required resources (-e).
	Required []string `json:"required,omitempty"`
	// XRD defines the XR's schema; the renderer applies its defaults (--xrd).
	XRD string `json:"xrd,omitempty"`
	// IncludeFullXR adds the XR's spec and metadata to the output (-x).
	IncludeFullXR bool `json:"includeFullXR,omitempty"`
	// Golden is the expected output, relative to test/render/.
	Golden string `json:"golden,omitempty"`
	// Redact lists fields that are random by design; the golden test
	// compares them as present but not by value.
	Redact []Redaction `json:"redact,omitempty"`
}

var caseName = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`)

// LoadManifest reads and validates a manifest file.
func LoadManifest(file string) (*Manifest, error) {
	b, err := os.ReadFile(file) //nolint:gosec // The manifest path is ours.
	if err != nil {
		return nil, err
	}
	m := &Manifest{}
	if err := yaml.UnmarshalStrict(b, m); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := m.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return m, nil
}

func (m *Manifest) validate() error {
	fns := map[string]bool{}
	ports := map[int]string{}
	for i, f := range m.Functions {
		switch {
		case f.Name == "":
			return fmt.Errorf("functions[%d].name is required", i)
		case f.Package == "":
			return fmt.Errorf("functions[%d].package is required", i)
		case f.Port < 1 || f.Port > 65535:
			return fmt.Errorf("functions[%d].port must be between 1 and 65535", i)
		case fns[f.Name]:
			return fmt.Errorf("functions[%d].name %q is listed twice", i, f.Name)
		case ports[f.Port] != "":
			return fmt.Errorf("functions[%d].port %d is already used by %s", i, f.Port, ports[f.Port])
		}
		fns[f.Name] = true
		ports[f.Port] = f.Name
	}
	names := map[string]bool{}
	for i, c := range m.Cases {
		switch {
		case !caseName.MatchString(c.Name):
			return fmt.Errorf("cases[%d].name %q must be lower-case letters, digits and dashes", i, c.Name)
		case names[c.Name]:
			return fmt.Errorf("cases[%d].name %q is listed twice", i, c.Name)
		case c.XR == "":
			return fmt.Errorf("cases[%d].xr is required", i)
		case c.Composition == "":
			return fmt.Errorf("cases[%d].composition is required", i)
		case c.Functions == "":
			return fmt.Errorf("cases[%d].functions is required", i)
		}
		for j, r := range c.Redact {
			if r.Kind == "" || r.Name == "" || r.Field == "" {
				return fmt.Errorf("cases[%d].redact[%d] needs kind, name and field", i, j)
			}
		}
		names[c.Name] = true
	}
	return nil
}

// GoldenFile is the case's golden file, relative to test/render/.
func (c Case) GoldenFile() string {
	if c.Golden != "" {
		return filepath.FromSlash(c.Golden)
	}
	return filepath.Join("testdata", c.Name+".yaml")
}

// Function returns the manifest's function called name.
func (m *Manifest) Function(name string) (Function, bool) {
	for _, f := range m.Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}
