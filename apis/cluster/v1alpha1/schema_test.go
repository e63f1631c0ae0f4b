package v1alpha1_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"

	// The schema is generated from this package's source in a
	// subprocess; importing it ties the test cache to that source.
	_ "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// The schema under test is the generated XRD when `make generate` has run,
// else the CRD controller-gen generates from these Go types now. Both carry
// the same openAPIV3Schema.
const xrdPath = "package/xrds/rivven.io_rivvenclusters.yaml"

func root(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if dir == filepath.Dir(dir) {
			t.Fatal("no go.mod above the test directory")
		}
	}
}

var (
	once      sync.Once
	schemaV   *extv1.JSONSchemaProps
	schemaErr error
)

func schema(t *testing.T) *extv1.JSONSchemaProps {
	t.Helper()
	once.Do(func() { schemaV, schemaErr = readSchema(root(t)) })
	if schemaErr != nil {
		t.Fatal(schemaErr)
	}
	s := schemaV.DeepCopy()
	// Crossplane serves the composite with these at the root.
	s.Properties["apiVersion"] = extv1.JSONSchemaProps{Type: "string"}
	s.Properties["kind"] = extv1.JSONSchemaProps{Type: "string"}
	s.Properties["metadata"] = extv1.JSONSchemaProps{Type: "object"}
	return s
}

func readSchema(root string) (*extv1.JSONSchemaProps, error) {
	if b, err := os.ReadFile(filepath.Join(root, xrdPath)); err == nil {
		var xrd struct {
			Spec struct {
				Versions []struct {
					Name   string `json:"name"`
					Schema struct {
						OpenAPIV3Schema extv1.JSONSchemaProps `json:"openAPIV3Schema"`
					} `json:"schema"`
				} `json:"versions"`
			} `json:"spec"`
		}
		if err := yaml.Unmarshal(b, &xrd); err != nil {
			return nil, fmt.Errorf("%s: %w", xrdPath, err)
		}
		for _, v := range xrd.Spec.Versions {
			if v.Name == "v1alpha1" {
				return &v.Schema.OpenAPIV3Schema, nil
			}
		}
		return nil, fmt.Errorf("%s has no v1alpha1", xrdPath)
	}
	gen := filepath.Join(root, "bin", "controller-gen")
	out, err := os.MkdirTemp("", "cluster-crd")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(out)                                                                           //nolint:errcheck // Best-effort cleanup.
	cmd := exec.Command(gen, "crd:crdVersions=v1", "paths=./apis/cluster/...", "output:crd:dir="+out) //nolint:gosec // Fixed tool path.
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("neither %s nor a working bin/controller-gen (make tools): %w\n%s", xrdPath, err, b)
	}
	b, err := os.ReadFile(filepath.Join(out, "rivven.io_rivvenclusters.yaml"))
	if err != nil {
		return nil, err
	}
	crd := &extv1.CustomResourceDefinition{}
	if err := yaml.Unmarshal(b, crd); err != nil {
		return nil, err
	}
	return crd.Spec.Versions[0].Schema.OpenAPIV3Schema, nil
}

func internal(t *testing.T, s *extv1.JSONSchemaProps) *apiextensions.JSONSchemaProps {
	t.Helper()
	out := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(s, out, nil); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSchemaIsAValidCRD runs the API server's CRD validation, which compiles
// every CEL rule and checks its estimated cost.
func TestSchemaIsAValidCRD(t *testing.T) {
	crd := &extv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "rivvenclusters.rivven.io"},
		Spec: extv1.CustomResourceDefinitionSpec{
			Group: "rivven.io",
			Names: extv1.CustomResourceDefinitionNames{Plural: "rivvenclusters", Singular: "rivvencluster", Kind: "RivvenCluster", ListKind: "RivvenClusterList"},
			Scope: extv1.NamespaceScoped,
			Versions: []extv1.CustomResourceDefinitionVersion{{
				Name: "v1alpha1", Served: true, Storage: true,
				Schema:       &extv1.CustomResourceValidation{OpenAPIV3Schema: schema(t)},
				Subresources: &extv1.CustomResourceSubresources{Status: &extv1.CustomResourceSubresourceStatus{}},
			}},
		},
		Status: extv1.CustomResourceDefinitionStatus{StoredVersions: []string{"v1alpha1"}},
	}
	in := &apiextensions.CustomResourceDefinition{}
	if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(crd, in, nil); err != nil {
		t.Fatal(err)
	}
	if errs := extvalidation.ValidateCustomResourceDefinition(context.Background(), in); len(errs) > 0 {
		t.Fatalf("the API server would reject the schema:\n%v", errs.ToAggregate())
	}
	for _, owned := range []string{"conditions"} {
		if _, ok := schema(t).Properties["status"].Properties[owned]; ok {
			t.Errorf("status.%s belongs to Crossplane; the Go type must not declare it", owned)
		}
	}
	if _, ok := schema(t).Properties["spec"].Properties["crossplane"]; ok {
		t.Error("spec.crossplane belongs to Crossplane; the Go type must not declare it")
	}
}

// admit defaults and validates obj as the API server does on create, or on
// update when old is set (transition rules).
func admit(t *testing.T, obj, old map[string]any) field.ErrorList {
	t.Helper()
	is := internal(t, schema(t))
	ss, err := structuralschema.NewStructural(is)
	if err != nil {
		t.Fatal(err)
	}
	defaulting.Default(obj, ss)
	v, _, err := apivalidation.NewSchemaValidator(is)
	if err != nil {
		t.Fatal(err)
	}
	errs := apivalidation.ValidateCustomResource(nil, obj, v)
	errs = append(errs, listtype.ValidateListSetsAndMaps(nil, ss, obj)...)
	var oldObj any
	if old != nil {
		defaulting.Default(old, ss)
		oldObj = old
	}
	celErrs, _ := cel.NewValidator(ss, true, celconfig.PerCallLimit).Validate(context.Background(), nil, ss, obj, oldObj, celconfig.RuntimeCELCostBudget)
	return append(errs, celErrs...)
}

// parse decodes YAML with integral numbers as int64, as the API server does.
func parse(t *testing.T, y []byte) map[string]any {
	t.Helper()
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := utiljson.Unmarshal(j, &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func withSpec(t *testing.T, spec string) map[string]any {
	t.Helper()
	return parse(t, []byte("apiVersion: rivven.io/v1alpha1\nkind: RivvenCluster\nmetadata: {name: c, namespace: ns}\nspec:\n"+spec))
}

func TestExamplesAreAdmitted(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(root(t), "examples", "cluster", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no examples under examples/cluster")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			b, err := os.ReadFile(f) //nolint:gosec // Test fixtures.
			if err != nil {
				t.Fatal(err)
			}
			if errs := admit(t, parse(t, b), nil); len(errs) > 0 {
				t.Errorf("rejected:\n%v", errs.ToAggregate())
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	obj := withSpec(t, "  {}\n")
	if errs := admit(t, obj, nil); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	spec := obj["spec"].(map[string]any)
	want := map[string]any{
		"replicas": int64(3), "version": "latest", "image": "ghcr.io/hupe1980/rivvend",
		"storage":             map[string]any{"size": "10Gi"},
		"metrics":             map[string]any{"enabled": true},
		"podDisruptionBudget": map[string]any{"enabled": true},
		"imagePullPolicy":     "IfNotPresent",
	}
	for k, v := range want {
		if fmt.Sprint(spec[k]) != fmt.Sprint(v) {
			t.Errorf("spec.%s defaults to %v, want %v", k, spec[k], v)
		}
	}
}

func TestAdmissionRejects(t *testing.T) {
	cases := map[string]struct {
		spec string
		want string // the rejection must name this field
	}{
		"RFAboveReplicas":     {"  replicas: 2\n  config: {defaultReplicationFactor: 3}\n", "spec.config.defaultReplicationFactor"},
		"MinISRAboveRF":       {"  config: {defaultReplicationFactor: 2, minInsyncReplicas: 3}\n", "spec.config.minInsyncReplicas"},
		"MinISRAboveDefault":  {"  replicas: 1\n  config: {minInsyncReplicas: 2}\n", "spec.config.minInsyncReplicas"},
		"TLSWithoutSecret":    {"  tls: {enabled: true}\n", "spec.tls.certSecretName"},
		"PDBBoth":             {"  podDisruptionBudget: {minAvailable: 1, maxUnavailable: 1}\n", "spec.podDisruptionBudget"},
		"RaftElection":        {"  config: {raft: {heartbeatMs: 200}}\n", "spec.config.raft.electionMinMs"},
		"RaftElectionMax":     {"  config: {raft: {electionMinMs: 400}}\n", "spec.config.raft.electionMaxMs"},
		"ImageWithTag":        {"  image: ghcr.io/x/rivvend:1\n", "spec.image"},
		"MonitorNoMetrics":    {"  metrics: {enabled: false}\n  serviceMonitor: {enabled: true}\n", "spec.serviceMonitor.enabled"},
		"ReplicasZero":        {"  replicas: 0\n", "spec.replicas"},
		"LogLevel":            {"  config: {logLevel: loud}\n", "spec.config.logLevel"},
		"ServiceExternalName": {"  service: {type: ExternalName}\n", "spec.service.type"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := admit(t, withSpec(t, tc.spec), nil)
			if len(errs) == 0 {
				t.Fatal("admitted")
			}
			if msg := errs.ToAggregate().Error(); !strings.Contains(msg, tc.want) {
				t.Errorf("rejection does not name %s:\n%s", tc.want, msg)
			}
		})
	}
	t.Run("AcceptedCounterparts", func(t *testing.T) {
		for _, spec := range []string{
			"  image: localhost:5000/rivvend\n",
			"  replicas: 1\n",
			"  replicas: 2\n  config: {defaultReplicationFactor: 2, minInsyncReplicas: 2}\n",
			"  config: {raft: {heartbeatMs: 100, electionMinMs: 300, electionMaxMs: 300}}\n",
			"  podDisruptionBudget: {minAvailable: \"50%\"}\n",
		} {
			if errs := admit(t, withSpec(t, spec), nil); len(errs) > 0 {
				t.Errorf("%q rejected: %v", spec, errs.ToAggregate())
			}
		}
	})
}

func TestStorageIsImmutable(t *testing.T) {
	old := withSpec(t, "  storage: {size: 10Gi}\n")
	if errs := admit(t, withSpec(t, "  storage: {size: 20Gi}\n"), old); !strings.Contains(errs.ToAggregate().Error(), "spec.storage is immutable") {
		t.Errorf("storage change admitted: %v", errs)
	}
	old = withSpec(t, "  storage: {size: 10Gi}\n")
	if errs := admit(t, withSpec(t, "  storage: {size: 10Gi}\n  replicas: 5\n"), old); len(errs) > 0 {
		t.Errorf("unrelated update rejected: %v", errs.ToAggregate())
	}
}
