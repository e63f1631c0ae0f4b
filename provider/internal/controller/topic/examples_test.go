package topic

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/kafka"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/rivven"
)

// TestExamplesDecodeStrictly: every RivvenTopic in examples/topic (the
// product documentation's orders-events among them, verbatim) decodes into
// the API types with no unknown field, and the documented one maps to the
// topic the documentation describes.
func TestExamplesDecodeStrictly(t *testing.T) {
	files, err := filepath.Glob("../../../../examples/topic/*.yaml")
	if err != nil || len(files) < 3 {
		t.Fatalf("examples: %v %v", files, err)
	}
	decoded := map[string]*v1alpha1.RivvenTopic{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(b), "\n---\n") {
			if !strings.Contains(doc, "kind: RivvenTopic") {
				continue
			}
			cr := &v1alpha1.RivvenTopic{}
			if err := yaml.UnmarshalStrict([]byte(doc), cr); err != nil {
				t.Errorf("%s: %v", f, err)
				continue
			}
			decoded[cr.Name] = cr
		}
	}
	cr, ok := decoded["orders-events"]
	if !ok {
		t.Fatal("orders-events example missing")
	}
	// orders-events lives on a RivvenCluster: rivvend's rules apply.
	got, err := Desired(cr, rivven.ValidateConfig)
	if err != nil {
		t.Fatalf("orders-events: %v", err)
	}
	if diff := cmp.Diff(wantOrdersACLs, got.ACLs); diff != "" {
		t.Errorf("orders-events ACLs -want +got:\n%s", diff)
	}
	if diff := cmp.Diff(wantOrdersConfigs, got.Configs); diff != "" {
		t.Errorf("orders-events configs -want +got:\n%s", diff)
	}
	if got.Partitions != 12 || got.ReplicationFactor != 3 || cr.Spec.ClusterRef.Name != "production" || cr.Spec.DeleteOnRemove {
		t.Errorf("orders-events spec: %+v", got)
	}
	if ext, ok := decoded["billing-invoices"]; !ok || ext.KafkaTopicName() != "billing_invoices" {
		t.Error("external-broker example must use spec.topicName billing_invoices")
	} else if _, err := Desired(ext, kafka.ValidateConfig); err != nil {
		t.Errorf("billing-invoices: %v", err)
	}
	if edge, ok := decoded["edge-telemetry"]; !ok {
		t.Error("external-rivven example missing")
	} else if _, err := Desired(edge, rivven.ValidateConfig); err != nil {
		t.Errorf("edge-telemetry must pass rivvend's config rules: %v", err)
	}
}
