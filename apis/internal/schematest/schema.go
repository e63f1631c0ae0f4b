package schematest

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	extvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/cel"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/listtype"
	apivalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// A Schema is one version of a kind as the API server would serve it. It
// loads on first use; declare it once per test package and share it.
type Schema struct {
	dir, file string
	xrd       bool

	loadOnce sync.Once
	crd      *extv1.CustomResourceDefinition
	version  string
	loadErr  error

	// The admission machinery is built on first use, so that a schema the
	// API server would reject fails ValidateCRD with the server's own
	// message rather than an early structural-schema error.
	admitOnce sync.Once
	admission *admission
	admitErr  error
}

type admission struct {
	structural *structuralschema.Structural
	openAPI    apivalidation.SchemaValidator
	cel        *cel.Validator
}

// CRD returns a copy of the CustomResourceDefinition the API server would
// hold for the kind; for a composite, the one Crossplane creates from the
// XRD.
func (s *Schema) CRD(t testing.TB) *extv1.CustomResourceDefinition {
	t.Helper()
	s.load(t)
	return s.crd.DeepCopy()
}

// OpenAPI returns a copy of the version's openAPIV3Schema.
func (s *Schema) OpenAPI(t testing.TB) *extv1.JSONSchemaProps {
	t.Helper()
	s.load(t)
	return s.openAPI()
}

func (s *Schema) openAPI() *extv1.JSONSchemaProps {
	v, _ := findVersion(s.crd, s.version)
	return v.Schema.OpenAPIV3Schema.DeepCopy()
}

// ValidateCRD runs the API server's CRD validation, which compiles every
// CEL rule and checks its estimated cost against the limits.
func (s *Schema) ValidateCRD(t testing.TB) field.ErrorList {
	t.Helper()
	in := &apiextensions.CustomResourceDefinition{}
	if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(s.CRD(t), in, nil); err != nil {
		t.Fatal(err)
	}
	return extvalidation.ValidateCustomResourceDefinition(context.Background(), in)
}

// Admit defaults obj in place and validates it as the API server does on
// create: OpenAPI, list-type uniqueness, then CEL rules.
func (s *Schema) Admit(t testing.TB, obj map[string]any) field.ErrorList {
	t.Helper()
	return s.admit(t, obj, nil)
}

// AdmitUpdate is Admit for an update from old, which is defaulted too, so
// that transition rules run; a nil old admits a create.
func (s *Schema) AdmitUpdate(t testing.TB, obj, old map[string]any) field.ErrorList {
	t.Helper()
	return s.admit(t, obj, old)
}

func (s *Schema) admit(t testing.TB, obj, old map[string]any) field.ErrorList {
	t.Helper()
	s.load(t)
	s.admitOnce.Do(func() { s.admission, s.admitErr = s.compile() })
	if s.admitErr != nil {
		t.Fatal(s.admitErr)
	}
	a := s.admission
	defaulting.Default(obj, a.structural)
	errs := apivalidation.ValidateCustomResource(nil, obj, a.openAPI)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, a.structural, obj)...)
	var oldObj any
	if old != nil {
		defaulting.Default(old, a.structural)
		oldObj = old
	}
	celErrs, _ := a.cel.Validate(context.Background(), nil, a.structural, obj, oldObj, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// compile builds what the API server builds per CRD version to admit
// objects.
func (s *Schema) compile() (*admission, error) {
	in := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(s.openAPI(), in, nil); err != nil {
		return nil, err
	}
	ss, err := structuralschema.NewStructural(in)
	if err != nil {
		return nil, err
	}
	v, _, err := apivalidation.NewSchemaValidator(in)
	if err != nil {
		return nil, err
	}
	return &admission{structural: ss, openAPI: v, cel: cel.NewValidator(ss, true, celconfig.PerCallLimit)}, nil
}

// AdmitFiles admits, in a subtest named after each file, every object
// matching pattern (relative to the repository root), and fails when none
// matches: an empty fixture set would prove nothing.
func (s *Schema) AdmitFiles(t *testing.T, pattern string) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(Root(t), pattern))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no files match %s", pattern)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			if errs := s.Admit(t, ReadFile(t, f)); len(errs) > 0 {
				t.Errorf("rejected:\n%v", errs.ToAggregate())
			}
		})
	}
}
