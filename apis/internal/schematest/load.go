package schematest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"
)

// XRD is a composite resource's schema, from its definition in
// package/xrds/<file>: the CRD Crossplane serves for it.
func XRD(file string) *Schema {
	return &Schema{dir: filepath.Join("package", "xrds"), file: file, xrd: true}
}

// CRD is a managed resource's schema, from package/crds/<file>.
func CRD(file string) *Schema { return &Schema{dir: filepath.Join("package", "crds"), file: file} }

// load reads or generates the schema once per test binary, since
// generating takes seconds.
func (s *Schema) load(t testing.TB) {
	t.Helper()
	root := Root(t)
	s.loadOnce.Do(func() { s.crd, s.version, s.loadErr = load(root, s.dir, s.file, s.xrd) })
	if s.loadErr != nil {
		t.Fatal(s.loadErr)
	}
}

// Root is the repository root: the nearest directory above the working
// directory that holds go.mod.
func Root(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
	}
	t.Fatal("no go.mod above the test directory")
	return ""
}

func load(root, dir, file string, xrd bool) (*extv1.CustomResourceDefinition, string, error) {
	// The package under test lives in apis/<kind>/<version>.
	wd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	pkg, err := filepath.Rel(root, wd)
	if err != nil {
		return nil, "", err
	}
	version := filepath.Base(wd)
	path := filepath.Join(dir, file)

	var crd *extv1.CustomResourceDefinition
	b, err := os.ReadFile(filepath.Join(root, path)) //nolint:gosec // Generated package file.
	switch {
	case err == nil && xrd:
		crd, err = fromXRD(b, version)
	case err == nil:
		crd = &extv1.CustomResourceDefinition{}
		err = yaml.Unmarshal(b, crd)
	default:
		crd, err = generate(root, pkg, file)
		if err == nil && xrd {
			crd = served(crd, version)
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", path, err)
	}
	if _, ok := findVersion(crd, version); !ok {
		return nil, "", fmt.Errorf("%s has no %s", path, version)
	}
	crd.Status.StoredVersions = []string{version}
	return crd, version, nil
}

// generate runs controller-gen over the API package, so the schema follows
// the Go types even before `make generate` has written package/.
func generate(root, pkg, file string) (*extv1.CustomResourceDefinition, error) {
	out, err := os.MkdirTemp("", "schematest-crd")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out) //nolint:errcheck // Best-effort cleanup.
	gen := filepath.Join(root, "bin", "controller-gen")
	cmd := exec.Command(gen, "crd:crdVersions=v1", "paths=./"+filepath.ToSlash(pkg), "output:crd:dir="+out) //nolint:gosec // Fixed tool path.
	cmd.Dir = root
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("missing, and no working bin/controller-gen (make tools) to generate it: %w\n%s", err, msg)
	}
	b, err := os.ReadFile(filepath.Join(out, file)) //nolint:gosec // Our temp dir.
	if err != nil {
		return nil, err
	}
	crd := &extv1.CustomResourceDefinition{}
	return crd, yaml.Unmarshal(b, crd)
}

// fromXRD reads the parts of a CompositeResourceDefinition that Crossplane
// turns into the composite's CRD.
func fromXRD(b []byte, version string) (*extv1.CustomResourceDefinition, error) {
	var xrd struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     struct {
			Group    string                                  `json:"group"`
			Names    extv1.CustomResourceDefinitionNames     `json:"names"`
			Scope    extv1.ResourceScope                     `json:"scope"`
			Versions []extv1.CustomResourceDefinitionVersion `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(b, &xrd); err != nil {
		return nil, err
	}
	crd := &extv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: xrd.Metadata.Name},
		Spec: extv1.CustomResourceDefinitionSpec{
			Group: xrd.Spec.Group, Names: xrd.Spec.Names, Scope: xrd.Spec.Scope, Versions: xrd.Spec.Versions,
		},
	}
	return served(crd, version), nil
}

// served is the CRD Crossplane serves for a composite: the definition's
// names and the version's schema, with apiVersion, kind and metadata at the
// root and a status subresource.
func served(in *extv1.CustomResourceDefinition, version string) *extv1.CustomResourceDefinition {
	names := in.Spec.Names
	if names.Singular == "" {
		names.Singular = names.Plural
	}
	if names.ListKind == "" {
		names.ListKind = names.Kind + "List"
	}
	out := &extv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: in.Name},
		Spec:       extv1.CustomResourceDefinitionSpec{Group: in.Spec.Group, Names: names, Scope: in.Spec.Scope},
	}
	v, ok := findVersion(in, version)
	if !ok || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
		return out
	}
	s := v.Schema.OpenAPIV3Schema.DeepCopy()
	if s.Properties == nil {
		s.Properties = map[string]extv1.JSONSchemaProps{}
	}
	s.Properties["apiVersion"] = extv1.JSONSchemaProps{Type: "string"}
	s.Properties["kind"] = extv1.JSONSchemaProps{Type: "string"}
	s.Properties["metadata"] = extv1.JSONSchemaProps{Type: "object"}
	out.Spec.Versions = []extv1.CustomResourceDefinitionVersion{{
		Name: version, Served: true, Storage: true,
		Schema:       &extv1.CustomResourceValidation{OpenAPIV3Schema: s},
		Subresources: &extv1.CustomResourceSubresources{Status: &extv1.CustomResourceSubresourceStatus{}},
	}}
	return out
}

func findVersion(crd *extv1.CustomResourceDefinition, name string) (*extv1.CustomResourceDefinitionVersion, bool) {
	for i := range crd.Spec.Versions {
		if crd.Spec.Versions[i].Name == name {
			return &crd.Spec.Versions[i], true
		}
	}
	return nil, false
}
