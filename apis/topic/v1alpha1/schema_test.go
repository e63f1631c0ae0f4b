package v1alpha1_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rivven/crossplane-rivven/apis/internal/schematest"

	// The CRD is generated from this package's source in a subprocess;
	// importing it ties the test cache to that source.
	_ "github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
)

// The CRD under test is package/crds when `make generate` has run, else the
// one controller-gen generates from the Go types now.
var rivvenTopics = schematest.CRD("rivven.io_rivventopics.yaml") //nolint:gochecknoglobals // Names a file.

// TestCRDIsValid runs the API server's CRD validation, which compiles every
// CEL rule and checks its estimated cost.
func TestCRDIsValid(t *testing.T) {
	if errs := rivvenTopics.ValidateCRD(t); len(errs) > 0 {
		t.Fatalf("the API server would reject the CRD:\n%v", errs.ToAggregate())
	}
	var cols []string
	for _, col := range rivvenTopics.CRD(t).Spec.Versions[0].AdditionalPrinterColumns {
		cols = append(cols, col.Name)
	}
	if got := strings.Join(cols, ","); got != "READY,SYNCED,PARTITIONS,RF,AGE" {
		t.Errorf("printer columns = %s", got)
	}
}

func parse(t *testing.T, y string) map[string]any {
	t.Helper()
	return schematest.Parse(t, []byte(y))
}

func withSpec(t *testing.T, spec string) map[string]any {
	t.Helper()
	return parse(t, "apiVersion: rivven.io/v1alpha1\nkind: RivvenTopic\nmetadata: {name: t, namespace: ns}\nspec:\n  clusterRef: {name: production}\n"+spec)
}

func TestExamplesAreAdmitted(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(schematest.Root(t), "examples", "topic", "*.yaml"))
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
			if errs := rivvenTopics.Admit(t, parse(t, doc)); len(errs) > 0 {
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
	if errs := rivvenTopics.Admit(t, obj); len(errs) > 0 {
		t.Fatal(errs.ToAggregate())
	}
	spec := obj["spec"].(map[string]any)
	acl := spec["acls"].([]any)[0].(map[string]any)
	got := fmt.Sprintf("%v %v %v %v %v %v", spec["partitions"], spec["replicationFactor"], spec["deleteOnRemove"], acl["permissionType"], acl["host"], spec["managementPolicies"])
	// No partitions or replicationFactor is stored: the broker's defaults
	// apply, and status.atProvider reports them.
	if want := "<nil> <nil> false Allow * [*]"; got != want {
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
			errs := rivvenTopics.Admit(t, withSpec(t, tc.spec))
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
			errs := rivvenTopics.AdmitUpdate(t, withSpec(t, tc.new), withSpec(t, tc.old))
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("rejected: %v", errs.ToAggregate())
			case tc.want != "" && (len(errs) == 0 || !strings.Contains(errs.ToAggregate().Error(), tc.want)):
				t.Errorf("errors = %v, want one containing %q", errs.ToAggregate(), tc.want)
			}
		})
	}
}
