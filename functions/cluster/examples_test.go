package cluster

import (
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// TestRenderExampleIsReady feeds the render example's observed resources to
// the function the way crossplane render does (matched by their
// crossplane.io/composition-resource-name annotation) and proves they show
// a Ready cluster: every composed resource ready, phase Running, and the
// observed token reused.
func TestRenderExampleIsReady(t *testing.T) {
	observed := map[string]string{}
	for _, doc := range strings.Split(readFile(t, "../../examples/render/cluster/observed-production.yaml"), "\n---\n") {
		m := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
			t.Fatal(err)
		}
		key, _ := get(t, m, "metadata", "annotations").(map[string]any)["crossplane.io/composition-resource-name"].(string)
		if key == "" {
			t.Fatalf("observed %v has no composition-resource-name", get(t, m, "metadata", "name"))
		}
		observed[key] = doc
	}
	rsp := run(t, newRequest(t, readFile(t, seedPath), observed))
	if f := fatal(rsp); f != "" {
		t.Fatal(f)
	}
	for k, r := range rsp.GetDesired().GetResources() {
		if _, ok := observed[k]; !ok {
			t.Errorf("the example observes no %s", k)
		}
		if r.GetReady() != fnv1.Ready_READY_TRUE {
			t.Errorf("%s is %v", k, r.GetReady())
		}
	}
	if got := get(t, rsp.GetDesired().GetComposite().GetResource().AsMap(), "status", "phase"); got != "Running" {
		t.Errorf("phase = %v, want Running", got)
	}
	if got := get(t, desired(t, rsp, "auth-secret"), "data", "cluster-auth-token"); got != "ZXhhbXBsZS10b2tlbi1mb3ItcmVuZGVyLW9ubHk=" {
		t.Errorf("the observed token was not reused: %v", got)
	}
}
