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
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apimachinery/pkg/util/validation/field"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"sigs.k8s.io/yaml"

	// The CRD is generated from this package's source in a subprocess;
	// importing it ties the test cache to that source.
	_ "github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
)

// The CRD under test is package/crds when `make generate` has run, else the
// one controller-gen generates from the Go types now.
const crdFile = "rivven.io_rivventopics.yaml"

var (
	crdOnce sync.Once
	crdV    *extv1.CustomResourceDefinition
	crdErr  error
)

func repoRoot(t *testing.T) string {
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

func loadCRD(root string) (*extv1.CustomResourceDefinition, error) {
	b, err := os.ReadFile(filepath.Join(root, "package", "crds", crdFile))
	if err != nil {
		out, err := os.MkdirTemp("", "topic-crd")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(out)                                                                                                                  //nolint:errcheck // Best-effort cleanup.
		cmd := exec.Command(filepath.Join(root, "bin", "controller-gen"), "crd:crdVersions=v1", "paths=./apis/topic/...", "output:crd:dir="+out) //nolint:gosec // Fixed tool path.
		cmd.Dir = root
		if msg, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("neither package/crds/%s nor a working bin/controller-gen: %w\n%s", crdFile, err, msg)
		}
		if b, err = os.ReadFile(filepath.Join(out, crdFile)); err != nil {
			return nil, err
		}
	}
	crd := &extv1.CustomResourceDefinition{}
	return crd, yaml.Unmarshal(b, crd)
}

func crd(t *testing.T) *extv1.CustomResourceDefinition {
	t.Helper()
	crdOnce.Do(func() { crdV, crdErr = loadCRD(repoRoot(t)) })
	if crdErr != nil {
		t.Fatal(crdErr)
	}
	return crdV.DeepCopy()
}

func structural(t *testing.T) (*apiextensions.JSONSchemaProps, *structuralschema.Structural) {
	t.Helper()
	in := &apiextensions.JSONSchemaProps{}
	if err := extv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(crd(t).Spec.Versions[0].Schema.OpenAPIV3Schema, in, nil); err != nil {
		t.Fatal(err)
	}
	ss, err := structuralschema.NewStructural(in)
	if err != nil {
		t.Fatal(err)
	}
	return in, ss
}

// TestCRDIsValid runs the API server's CRD validation, which compiles every
// CEL rule and checks its estimated cost.
func TestCRDIsValid(t *testing.T) {
	c := crd(t)
	c.Status.StoredVersions = []string{"v1alpha1"}
	in := &apiextensions.CustomResourceDefinition{}
	if err := extv1.Convert_v1_CustomResourceDefinition_To_apiextensions_CustomResourceDefinition(c, in, nil); err != nil {
		t.Fatal(err)
	}
	if errs := extvalidation.ValidateCustomResourceDefinition(context.Background(), in); len(errs) > 0 {
		t.Fatalf("the API server would reject the CRD:\n%v", errs.ToAggregate())
	}
	var cols []string
	for _, col := range c.Spec.Versions[0].AdditionalPrinterColumns {
		cols = append(cols, col.Name)
	}
	if got := strings.Join(cols, ","); got != "READY,SYNCED,PARTITIONS,RF,AGE" {
		t.Errorf("printer columns = %s", got)
	}
}

// admit defaults and validates obj as the API server does on create, or on
// update when old is set (transition rules).
func admit(t *testing.T, obj, old map[string]any) field.ErrorList {
	t.Helper()
	is, ss := structural(t)
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

func parse(t *testing.T, y string) map[string]any {
	t.Helper()
	j, err := yaml.YAMLToJSON([]byte(y))
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
	return parse(t, "apiVersion: rivven.io/v1alpha1\nkind: RivvenTopic\nmetadata: {name: t, namespace: ns}\nspec:\n  clusterRef: {name: production}\n"+spec)
}

func TestExamplesAreAdmitted(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(repoRoot(t), "examples", "topic", "*.yaml"))
	if len(files) == 0 {
		t.Fatal("no examples under examples/topic")
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f) //nolint:gosec // Test fixtures.
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(b), "\n---\n") {
			if !strings.Contains(doc, "kind: RivvenTopic") {
				continue
			}
			n++
			if errs := admit(t, parse(t, doc), nil); len(errs) > 0 {
				t.Errorf("%s rejected:\n%v", filepath.Base(f), errs.ToAggregate())
			}
		}
	}
	if n < 3 {
		t.Errorf("found %d RivvenTopics in examples, want at least 3", n)
	}
}

func TestDefaults(t *testing.T) {
	obj := withSpec(t, "  acls:\n  - principal: user:a\n    operations: [Read]\n")
	if errs := admit(t, obj, nil); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	spec := obj["spec"].(map[string]any)
	acl := spec["acls"].([]any)[0].(map[string]any)
	got := fmt.Sprintf("%v %v %v %v %v %v", spec["partitions"], spec["replicationFactor"], spec["deleteOnRemove"], acl["permissionType"], acl["host"], spec["managementPolicies"])
	if want := "1 1 false Allow * [*]"; got != want {
		t.Errorf("defaults (partitions rf deleteOnRemove permissionType host managementPolicies) = %q, want %q", got, want)
	}
}

func TestAdmissionRejects(t *testing.T) {
	cases := map[string]struct {
		spec string
		want string // the rejection must say this
	}{
		"PrincipalWithoutType": {"  acls:\n  - principal: order-service\n    operations: [Read]\n", "spec.acls[].principal must be User:<name>"},
		"PrincipalGroup":       {"  acls:\n  - principal: Group:x\n    operations: [Read]\n", "spec.acls[].principal must be User:<name>"},
		"DuplicateACL":         {"  acls:\n  - principal: user:x\n    operations: [Read]\n  - principal: User:x\n    operations: [Write]\n", "spec.acls has duplicate entries"},
		"DuplicateOperation":   {"  acls:\n  - principal: User:x\n    operations: [Read, Read]\n", "spec.acls[0].operations[1]"},
		"UnknownOperation":     {"  acls:\n  - principal: User:x\n    operations: [Produce]\n", "spec.acls[0].operations[0]"},
		"PermissionType":       {"  acls:\n  - principal: User:x\n    operations: [Read]\n    permissionType: Maybe\n", "spec.acls[0].permissionType"},
		"TypedKeyInAdditional": {"  config:\n    additionalConfig: {retention.ms: '1'}\n", "use the typed fields of spec.config"},
		"CleanupPolicy":        {"  config: {cleanupPolicy: archive}\n", "spec.config.cleanupPolicy"},
		"MinISRZero":           {"  config: {minInsyncReplicas: 0}\n", "spec.config.minInsyncReplicas"},
		"TopicNameChars":       {"  topicName: 'orders/events'\n", "spec.topicName"},
		"TopicNameDots":        {"  topicName: '..'\n", "spec.topicName must not be '.' or '..'"},
		"PartitionsZero":       {"  partitions: 0\n", "spec.partitions"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := admit(t, withSpec(t, tc.spec), nil)
			if len(errs) == 0 || !strings.Contains(errs.ToAggregate().Error(), tc.want) {
				t.Errorf("errors = %v, want one containing %q", errs.ToAggregate(), tc.want)
			}
		})
	}
}

func TestAdmissionTransitions(t *testing.T) {
	cases := map[string]struct {
		old, new string
		want     string // empty: admitted
	}{
		"Grow":           {old: "  partitions: 3\n", new: "  partitions: 6\n"},
		"Shrink":         {old: "  partitions: 6\n", new: "  partitions: 3\n", want: "spec.partitions may only grow"},
		"RFChange":       {old: "  replicationFactor: 3\n", new: "  replicationFactor: 2\n", want: "spec.replicationFactor is immutable"},
		"RFUnchanged":    {old: "  replicationFactor: 3\n", new: "  replicationFactor: 3\n  partitions: 4\n"},
		"TopicNameSet":   {old: "", new: "  topicName: other\n", want: "spec.topicName is immutable"},
		"TopicNameUnset": {old: "  topicName: other\n", new: "", want: "spec.topicName is immutable"},
		"TopicNameSame":  {old: "  topicName: Other_Name\n", new: "  topicName: Other_Name\n  deleteOnRemove: true\n"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := admit(t, withSpec(t, tc.new), withSpec(t, tc.old))
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("rejected: %v", errs.ToAggregate())
			case tc.want != "" && (len(errs) == 0 || !strings.Contains(errs.ToAggregate().Error(), tc.want)):
				t.Errorf("errors = %v, want one containing %q", errs.ToAggregate(), tc.want)
			}
		})
	}
}
