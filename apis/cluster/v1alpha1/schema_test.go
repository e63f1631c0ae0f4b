package v1alpha1_test

import (
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/rivven/crossplane-rivven/apis/internal/schematest"

	// The schema is generated from this package's source in a
	// subprocess; importing it ties the test cache to that source.
	"github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
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
		"replicas": int64(1), "version": "0.0.22", "image": "ghcr.io/hupe1980/rivvend",
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
	if errs := rivvenClusters.AdmitUpdate(t, withSpec(t, "  storage: {size: 10Gi}\n  config: {logLevel: debug}\n"), old); len(errs) > 0 {
		t.Errorf("unrelated update rejected: %v", errs.ToAggregate())
	}
}

// TestReplicasModeIsFixed: replicas may change within standalone (1) or
// within cluster mode (more than 1), never across. An unset replicas is the
// default, v1alpha1.DefaultReplicas.
func TestReplicasModeIsFixed(t *testing.T) {
	const msg = "spec.replicas cannot change between 1 (standalone broker) and more than 1 (cluster mode)"
	cases := map[string]struct {
		old, new string
		refused  bool
	}{
		"StandaloneToCluster":    {"  replicas: 1\n", "  replicas: 3\n", true},
		"StandaloneToTwo":        {"  replicas: 1\n", "  replicas: 2\n", true},
		"ClusterToStandalone":    {"  replicas: 3\n", "  replicas: 1\n", true},
		"UnsetToStandalone":      {"  {}\n", "  replicas: 1\n", v1alpha1.DefaultReplicas > 1},
		"StandaloneToUnset":      {"  replicas: 1\n", "  {}\n", v1alpha1.DefaultReplicas > 1},
		"UnsetToCluster":         {"  {}\n", "  replicas: 5\n", v1alpha1.DefaultReplicas == 1},
		"ClusterToUnset":         {"  replicas: 5\n", "  {}\n", v1alpha1.DefaultReplicas == 1},
		"ClusterGrows":           {"  replicas: 3\n", "  replicas: 5\n", false},
		"ClusterShrinks":         {"  replicas: 5\n", "  replicas: 2\n", false},
		"StandaloneStays":        {"  replicas: 1\n", "  replicas: 1\n  config: {logLevel: debug}\n", false},
		"ClusterUnrelatedChange": {"  replicas: 3\n", "  replicas: 3\n  config: {logLevel: debug}\n", false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			errs := rivvenClusters.AdmitUpdate(t, withSpec(t, tc.new), withSpec(t, tc.old))
			switch {
			case tc.refused && !strings.Contains(errText(errs), msg):
				t.Errorf("admitted or refused for another reason: %v", errs.ToAggregate())
			case tc.refused:
				for _, e := range errs {
					if strings.Contains(e.Error(), msg) && e.Field != "spec.replicas" {
						t.Errorf("error names %s, want spec.replicas", e.Field)
					}
				}
			case len(errs) > 0:
				t.Errorf("refused: %v", errs.ToAggregate())
			}
		})
	}
	// A create has no old object: any count is fine.
	for _, spec := range []string{"  replicas: 1\n", "  replicas: 3\n"} {
		if errs := rivvenClusters.AdmitUpdate(t, withSpec(t, spec), nil); len(errs) > 0 {
			t.Errorf("create %q refused: %v", spec, errs.ToAggregate())
		}
	}
}

// TestExternalServiceNeedsClientAuth: a NodePort or LoadBalancer client
// Service without client authentication would expose an open broker.
func TestExternalServiceNeedsClientAuth(t *testing.T) {
	const msg = "exposes the broker's client port outside the cluster without client authentication"
	for spec, refused := range map[string]bool{
		"  service: {type: LoadBalancer}\n":                                            true,
		"  service: {type: NodePort}\n":                                                true,
		"  service: {type: NodePort}\n  config: {requireClientAuth: false}\n":          true,
		"  service: {type: LoadBalancer}\n  config: {requireClientAuth: true}\n":       false,
		"  service: {type: NodePort}\n  config: {requireClientAuth: true}\n":           false,
		"  service: {type: ClusterIP}\n":                                               false,
		"  service: {annotations: {a: b}}\n":                                           false,
		"  service: {type: ClusterIP}\n  config: {requireClientAuth: false}\n":         false,
		"  service: {type: LoadBalancer}\n  tls: {enabled: true, certSecretName: x}\n": true,
	} {
		errs := rivvenClusters.Admit(t, withSpec(t, spec))
		got := strings.Contains(errText(errs), msg)
		if got != refused || (!refused && len(errs) > 0) {
			t.Errorf("%q: refused=%v, want %v: %v", spec, got, refused, errs.ToAggregate())
		}
		for _, e := range errs {
			if strings.Contains(e.Error(), msg) && e.Field != "spec.service.type" {
				t.Errorf("%q: error names %s, want spec.service.type", spec, e.Field)
			}
		}
	}
}

// TestRestrictedPodSecurity: the security contexts refuse what the
// restricted Pod Security Standard forbids, naming the field, and admit what
// it allows. The corpus (test/apiserver/corpus) holds one refused case per
// rule; these are the accepted counterparts.
func TestRestrictedPodSecurity(t *testing.T) {
	refused := map[string]string{
		"  containerSecurityContext: {privileged: true}\n":                                   "spec.containerSecurityContext.privileged",
		"  containerSecurityContext: {capabilities: {add: [NET_BIND_SERVICE, SYS_ADMIN]}}\n": "spec.containerSecurityContext.capabilities.add",
		"  securityContext: {runAsUser: 0}\n":                                                "spec.securityContext.runAsUser",
		"  securityContext: {sysctls: [{name: kernel.msgmax, value: \"1\"}]}\n":              "spec.securityContext.sysctls",
	}
	for spec, field := range refused {
		errs := rivvenClusters.Admit(t, withSpec(t, spec))
		named := false
		for _, e := range errs {
			named = named || (e.Field == field && strings.Contains(e.Detail, "restricted Pod Security Standard"))
		}
		if !named {
			t.Errorf("%q: want a refusal naming %s, got %v", spec, field, errs.ToAggregate())
		}
	}
	for _, spec := range []string{
		"  securityContext: {runAsNonRoot: true, runAsUser: 1000, runAsGroup: 0, fsGroup: 0}\n",
		"  securityContext: {seccompProfile: {type: Localhost, localhostProfile: p.json}, appArmorProfile: {type: RuntimeDefault}}\n",
		"  securityContext: {seLinuxOptions: {type: container_t, level: \"s0:c1,c2\"}, windowsOptions: {hostProcess: false}}\n",
		"  securityContext: {seLinuxOptions: {type: \"\", user: \"\", role: \"\"}}\n",
		"  securityContext: {sysctls: [{name: kernel.shm_rmid_forced, value: \"1\"}, {name: net.ipv4.ip_local_port_range, value: \"1024 65535\"}, {name: net.ipv4.ip_unprivileged_port_start, value: \"0\"}, {name: net.ipv4.tcp_syncookies, value: \"1\"}, {name: net.ipv4.ping_group_range, value: \"0 0\"}, {name: net.ipv4.ip_local_reserved_ports, value: \"9092\"}, {name: net.ipv4.tcp_keepalive_time, value: \"60\"}, {name: net.ipv4.tcp_fin_timeout, value: \"30\"}, {name: net.ipv4.tcp_keepalive_intvl, value: \"10\"}, {name: net.ipv4.tcp_keepalive_probes, value: \"5\"}]}\n",
		"  containerSecurityContext: {privileged: false, allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, procMount: Default}\n",
		"  containerSecurityContext: {capabilities: {add: [NET_BIND_SERVICE], drop: [ALL]}}\n",
		"  containerSecurityContext: {capabilities: {drop: [NET_RAW, ALL]}}\n",
		"  containerSecurityContext: {seccompProfile: {type: RuntimeDefault}, appArmorProfile: {type: Localhost, localhostProfile: p}}\n",
		"  containerSecurityContext: {seLinuxOptions: {type: container_init_t}, windowsOptions: {hostProcess: false}}\n",
		"  containerSecurityContext: {seLinuxOptions: {type: container_kvm_t}}\n",
		"  containerSecurityContext: {seLinuxOptions: {type: container_engine_t}}\n",
		"  podAnnotations: {container.apparmor.security.beta.kubernetes.io/rivvend: runtime/default, container.apparmor.security.beta.kubernetes.io/x: localhost/p, other: unconfined}\n",
	} {
		if errs := rivvenClusters.Admit(t, withSpec(t, spec)); len(errs) > 0 {
			t.Errorf("%q refused: %v", spec, errs.ToAggregate())
		}
	}
}

// errText is the errors' text, empty when there are none.
func errText(errs field.ErrorList) string {
	if len(errs) == 0 {
		return ""
	}
	return errs.ToAggregate().Error()
}
