package v1alpha1_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rivven/crossplane-rivven/apis/internal/schematest"

	// The schema is generated from this package's source in a
	// subprocess; importing it ties the test cache to that source.
	_ "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// The schema under test is the generated XRD when `make generate` has run,
// else the CRD controller-gen generates from these Go types now. Both carry
// the same openAPIV3Schema.
var rivvenClusters = schematest.XRD("rivven.io_rivvenclusters.yaml") //nolint:gochecknoglobals // Names a file.

// TestSchemaIsAValidCRD runs the API server's CRD validation, which compiles
// every CEL rule and checks its estimated cost.
func TestSchemaIsAValidCRD(t *testing.T) {
	if errs := rivvenClusters.ValidateCRD(t); len(errs) > 0 {
		t.Fatalf("the API server would reject the schema:\n%v", errs.ToAggregate())
	}
	s := rivvenClusters.OpenAPI(t)
	for _, owned := range []string{"conditions"} {
		if _, ok := s.Properties["status"].Properties[owned]; ok {
			t.Errorf("status.%s belongs to Crossplane; the Go type must not declare it", owned)
		}
	}
	if _, ok := s.Properties["spec"].Properties["crossplane"]; ok {
		t.Error("spec.crossplane belongs to Crossplane; the Go type must not declare it")
	}
}

func withSpec(t *testing.T, spec string) map[string]any {
	t.Helper()
	return schematest.Parse(t, []byte("apiVersion: rivven.io/v1alpha1\nkind: RivvenCluster\nmetadata: {name: c, namespace: ns}\nspec:\n"+spec))
}

func TestExamplesAreAdmitted(t *testing.T) {
	rivvenClusters.AdmitFiles(t, "examples/cluster/*.yaml")
}

func TestDefaults(t *testing.T) {
	obj := withSpec(t, "  {}\n")
	if errs := rivvenClusters.Admit(t, obj); len(errs) > 0 {
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
			errs := rivvenClusters.Admit(t, withSpec(t, tc.spec))
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
			if errs := rivvenClusters.Admit(t, withSpec(t, spec)); len(errs) > 0 {
				t.Errorf("%q rejected: %v", spec, errs.ToAggregate())
			}
		}
	})
}

func TestStorageIsImmutable(t *testing.T) {
	old := withSpec(t, "  storage: {size: 10Gi}\n")
	if errs := rivvenClusters.AdmitUpdate(t, withSpec(t, "  storage: {size: 20Gi}\n"), old); !strings.Contains(errs.ToAggregate().Error(), "spec.storage is immutable") {
		t.Errorf("storage change admitted: %v", errs)
	}
	old = withSpec(t, "  storage: {size: 10Gi}\n")
	if errs := rivvenClusters.AdmitUpdate(t, withSpec(t, "  storage: {size: 10Gi}\n  replicas: 5\n"), old); len(errs) > 0 {
		t.Errorf("unrelated update rejected: %v", errs.ToAggregate())
	}
}
