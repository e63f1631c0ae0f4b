package cluster

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

const seedPath = "../../examples/cluster/production.yaml"

// observedSts is an observed broker StatefulSet of XR "c".
func observedSts(replicas, ready, updated int32, current, update string, gen, obsGen int64) string {
	return fmt.Sprintf(`apiVersion: apps/v1
kind: StatefulSet
metadata: {name: rivven-c, namespace: ns, generation: %d}
spec: {replicas: %d}
status: {observedGeneration: %d, replicas: %d, readyReplicas: %d, updatedReplicas: %d, currentRevision: %s, updateRevision: %s}
`, gen, replicas, obsGen, replicas, ready, updated, current, update)
}

func keys(rsp *fnv1.RunFunctionResponse) []string {
	var out []string
	for k := range rsp.GetDesired().GetResources() {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestSeedExample(t *testing.T) {
	rsp := run(t, newRequest(t, readFile(t, seedPath), nil))
	if f := fatal(rsp); f != "" {
		t.Fatalf("seed example is rejected: %s", f)
	}

	wantKeys := []string{"auth-secret", "client-service", "configmap", "headless-service", "pdb", "providerconfig", "statefulset"}
	if diff := cmp.Diff(wantKeys, keys(rsp)); diff != "" {
		t.Errorf("composed resources (-want +got):\n%s", diff)
	}

	// The seed's resource and storage values reach the StatefulSet.
	sts := desired(t, rsp, "statefulset")
	ctr := brokerContainer(t, sts)
	wantRes := map[string]any{
		"requests": map[string]any{"cpu": "1", "memory": "2Gi"},
		"limits":   map[string]any{"cpu": "4", "memory": "8Gi"},
	}
	if diff := cmp.Diff(wantRes, ctr["resources"]); diff != "" {
		t.Errorf("resources (-want +got):\n%s", diff)
	}
	pvc := get(t, sts, "spec", "volumeClaimTemplates", 0, "spec")
	if got := get(t, pvc, "resources", "requests", "storage"); got != "100Gi" {
		t.Errorf("storage size = %v, want 100Gi", got)
	}
	if got := get(t, pvc, "storageClassName"); got != "fast-ssd" {
		t.Errorf("storageClassName = %v, want fast-ssd", got)
	}
	if got := ctr["image"]; got != "ghcr.io/hupe1980/rivvend:0.0.1" {
		t.Errorf("image = %v, want the published rivvend image tagged 0.0.1", got)
	}
	for k, want := range map[string]string{
		"statefulset": "rivven-production", "headless-service": "rivven-production-headless",
		"client-service": "rivven-production", "configmap": "rivven-production-config",
		"pdb": "rivven-production-pdb", "providerconfig": "production",
	} {
		md := desired(t, rsp, k)["metadata"].(map[string]any)
		if md["name"] != want || md["namespace"] != "default" {
			t.Errorf("%s is %v/%v, want default/%s", k, md["namespace"], md["name"], want)
		}
	}

	wantStatus := map[string]any{"status": map[string]any{
		"phase": "Pending", "replicas": 3.0, "readyReplicas": 0.0,
		"bootstrapServers": "rivven-production.default.svc:9092",
	}}
	if diff := cmp.Diff(wantStatus, rsp.GetDesired().GetComposite().GetResource().AsMap()); diff != "" {
		t.Errorf("desired XR (-want +got):\n%s", diff)
	}

	// Seed fields rivvend cannot honour are accepted but named in warnings.
	var warned []string
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			warned = append(warned, strings.SplitN(r.GetMessage(), ":", 2)[0])
		}
	}
	// 0.0.1 was never published, and 3 brokers mean cluster mode, which
	// fails in every tested release (test/broker).
	if diff := cmp.Diff([]string{"spec.config.logRetentionHours", "spec.metrics.port", "spec.version", "spec.replicas", "spec.tls.enabled"}, warned); diff != "" {
		t.Errorf("warned fields (-want +got):\n%s", diff)
	}
}

func TestMinimalDefaults(t *testing.T) {
	rsp := run(t, newRequest(t, xrYAML("  {}\n"), nil))
	if f := fatal(rsp); f != "" {
		t.Fatalf("minimal spec is rejected: %s", f)
	}
	sts := desired(t, rsp, "statefulset")
	// One standalone broker of the newest tested release: the only mode
	// the tested releases start in (test/broker).
	if got := get(t, sts, "spec", "replicas"); got != 1.0 {
		t.Errorf("replicas = %v, want the default 1", got)
	}
	if got := brokerContainer(t, sts)["image"]; got != "ghcr.io/hupe1980/rivvend:0.0.22" {
		t.Errorf("image = %v, want ghcr.io/hupe1980/rivvend:0.0.22", got)
	}
	if got := get(t, sts, "spec", "volumeClaimTemplates", 0, "spec", "resources", "requests", "storage"); got != "10Gi" {
		t.Errorf("storage = %v, want the default 10Gi", got)
	}
	if _, ok := get(t, sts, "spec", "volumeClaimTemplates", 0, "spec").(map[string]any)["storageClassName"]; ok {
		t.Error("storageClassName is set although the spec leaves it to the cluster default")
	}
	data := get(t, desired(t, rsp, "configmap"), "data").(map[string]any)
	for k, want := range map[string]string{
		"RIVVEN_MODE": "standalone", "RIVVEN_DEFAULT_PARTITIONS": "3",
		"RIVVEN_REPLICATION_FACTOR": "1", "RIVVEN_MIN_ISR": "1", "RUST_LOG": "info",
		"RIVVEN_NO_REQUIRE_AUTH": "true",
	} {
		if data[k] != want {
			t.Errorf("ConfigMap %s = %v, want %s", k, data[k], want)
		}
	}
	for _, k := range []string{"RIVVEN_TLS_ENABLED", "RIVVEN_MAX_SEGMENT_SIZE", "RIVVEN_RAFT_HEARTBEAT_MS"} {
		if _, ok := data[k]; ok {
			t.Errorf("ConfigMap sets %s although the spec does not ask for it", k)
		}
	}
	if got := get(t, desired(t, rsp, "pdb"), "spec", "maxUnavailable"); got != 1.0 {
		t.Errorf("PDB maxUnavailable = %v, want the default 1", got)
	}
	if _, ok := rsp.GetDesired().GetResources()["servicemonitor"]; ok {
		t.Error("a ServiceMonitor is composed although the spec does not ask for one")
	}
	if tls := get(t, desired(t, rsp, "providerconfig"), "spec", "tls"); tls != nil {
		t.Errorf("ProviderConfig has TLS %v although TLS is off", tls)
	}
	if got := get(t, desired(t, rsp, "providerconfig"), "spec", "bootstrapServers"); !cmp.Equal(got, []any{"rivven-c.ns.svc:9092"}) {
		t.Errorf("ProviderConfig bootstrapServers = %v", got)
	}
	// rivvend's client port speaks Rivven's own protocol, not Kafka's.
	if got := get(t, desired(t, rsp, "providerconfig"), "spec", "protocol"); got != "Rivven" {
		t.Errorf("ProviderConfig protocol = %v, want Rivven", got)
	}
	if got := get(t, brokerContainer(t, sts), "readinessProbe", "httpGet", "scheme"); got != "HTTP" {
		t.Errorf("readiness scheme = %v, want HTTP without TLS", got)
	}
	for _, r := range rsp.GetResults() {
		t.Errorf("unexpected result for a minimal spec: %v", r)
	}
}

// untestedVersion is a release the function knows nothing about, so it
// composes spec.tls as asked; the tested releases fail with API TLS.
const untestedVersion = "  version: 0.0.99\n"

// TestTLSNotAppliedWhereRivvendFails: with a release whose API TLS is known
// to crash (test/broker shows it), nothing of spec.tls is composed, and a
// Warning says so and why.
func TestTLSNotAppliedWhereRivvendFails(t *testing.T) {
	rsp := run(t, newRequest(t, xrYAML("  tls: {enabled: true, certSecretName: my-tls}\n"), nil))
	data := get(t, desired(t, rsp, "configmap"), "data").(map[string]any)
	for _, k := range []string{"RIVVEN_TLS_ENABLED", "RIVVEN_TLS_CERT", "RIVVEN_TLS_KEY"} {
		if _, ok := data[k]; ok {
			t.Errorf("ConfigMap sets %s: the broker's API would never listen", k)
		}
	}
	ctr := brokerContainer(t, desired(t, rsp, "statefulset"))
	if got := get(t, ctr, "readinessProbe", "httpGet", "scheme"); got != "HTTP" {
		t.Errorf("readiness scheme = %v, want HTTP", got)
	}
	var msg string
	for _, r := range rsp.GetResults() {
		if strings.HasPrefix(r.GetMessage(), "spec.tls.enabled: not applied") {
			msg = r.GetMessage()
		}
	}
	if !strings.Contains(msg, "CryptoProvider") {
		t.Errorf("no Warning says spec.tls.enabled is not applied and why: %q", msg)
	}
}

func TestTLS(t *testing.T) {
	rsp := run(t, newRequest(t, xrYAML(untestedVersion+"  tls: {enabled: true, certSecretName: my-tls}\n"), nil))
	sts := desired(t, rsp, "statefulset")
	ctr := brokerContainer(t, sts)

	data := get(t, desired(t, rsp, "configmap"), "data").(map[string]any)
	wantEnv := map[string]any{
		"RIVVEN_TLS_ENABLED": "true", "RIVVEN_TLS_CERT": "/etc/rivven/tls/tls.crt",
		"RIVVEN_TLS_KEY": "/etc/rivven/tls/tls.key",
	}
	for k, want := range wantEnv {
		if data[k] != want {
			t.Errorf("ConfigMap %s = %v, want %v", k, data[k], want)
		}
	}
	var mounted, volume bool
	for _, m := range ctr["volumeMounts"].([]any) {
		mm := m.(map[string]any)
		mounted = mounted || (mm["mountPath"] == "/etc/rivven/tls" && mm["readOnly"] == true)
	}
	for _, v := range get(t, sts, "spec", "template", "spec", "volumes").([]any) {
		if sec, ok := v.(map[string]any)["secret"].(map[string]any); ok {
			volume = volume || sec["secretName"] == "my-tls"
		}
	}
	if !mounted || !volume {
		t.Errorf("TLS Secret my-tls mounted read-only at /etc/rivven/tls: mount %v, volume %v", mounted, volume)
	}
	// rivvend serves its HTTP API over HTTPS when TLS is on.
	if got := get(t, ctr, "readinessProbe", "httpGet", "scheme"); got != "HTTPS" {
		t.Errorf("readiness scheme = %v, want HTTPS", got)
	}
	// The Secret need not hold ca.crt: no CA path is given to rivvend.
	if _, ok := data["RIVVEN_TLS_CA"]; ok {
		t.Error("RIVVEN_TLS_CA is set; rivvend's API listener fails when the Secret has no ca.crt")
	}
	// The client port stays plaintext, so the ProviderConfig dials it so.
	if pc := get(t, desired(t, rsp, "providerconfig"), "spec").(map[string]any); pc["tls"] != nil {
		t.Errorf("ProviderConfig asks for TLS on a plaintext client port: %v", pc["tls"])
	}
}

func TestServiceMonitor(t *testing.T) {
	cases := map[string]struct {
		spec string
		want map[string]any
	}{
		"Plain": {
			spec: "  serviceMonitor: {enabled: true, interval: 15s, labels: {release: prom}}\n",
			want: map[string]any{"port": "http", "path": "/metrics", "interval": "15s"},
		},
		"TLS": {
			spec: untestedVersion + "  tls: {enabled: true, certSecretName: my-tls}\n  serviceMonitor: {enabled: true, scrapeTimeout: 5s}\n",
			want: map[string]any{
				"port": "http", "path": "/metrics", "interval": "30s", "scrapeTimeout": "5s", "scheme": "https",
				"tlsConfig": map[string]any{
					"ca":         map[string]any{"secret": map[string]any{"name": "my-tls", "key": "ca.crt"}},
					"serverName": "rivven-c.ns.svc",
				},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, newRequest(t, xrYAML(tc.spec), nil))
			sm := desired(t, rsp, "servicemonitor")
			if sm["apiVersion"] != "monitoring.coreos.com/v1" || sm["kind"] != "ServiceMonitor" {
				t.Fatalf("not a ServiceMonitor: %v %v", sm["apiVersion"], sm["kind"])
			}
			if diff := cmp.Diff([]any{tc.want}, get(t, sm, "spec", "endpoints")); diff != "" {
				t.Errorf("endpoints (-want +got):\n%s", diff)
			}
			// It must select the headless Service, whose labels say so,
			// so brokers are scraped before they turn ready.
			sel := get(t, sm, "spec", "selector", "matchLabels").(map[string]any)
			hl := get(t, desired(t, rsp, "headless-service"), "metadata", "labels").(map[string]any)
			cl := get(t, desired(t, rsp, "client-service"), "metadata", "labels").(map[string]any)
			if !subset(sel, hl) || subset(sel, cl) {
				t.Errorf("selector %v must match the headless Service %v and not the client Service %v", sel, hl, cl)
			}
		})
	}
	t.Run("LabelsAdded", func(t *testing.T) {
		rsp := run(t, newRequest(t, xrYAML(cases["Plain"].spec), nil))
		if got := get(t, desired(t, rsp, "servicemonitor"), "metadata", "labels", "release"); got != "prom" {
			t.Errorf("label release = %v, want prom", got)
		}
	})
}

func subset(sel, labels map[string]any) bool {
	for k, v := range sel {
		if labels[k] != v {
			return false
		}
	}
	return true
}

func TestPodDisruptionBudget(t *testing.T) {
	cases := map[string]struct {
		spec string
		want map[string]any // nil: no PDB composed
	}{
		"Default":        {"  {}\n", map[string]any{"maxUnavailable": 1.0}},
		"MinAvailable":   {"  podDisruptionBudget: {minAvailable: 2}\n", map[string]any{"minAvailable": 2.0}},
		"MaxUnavailable": {"  podDisruptionBudget: {maxUnavailable: \"50%\"}\n", map[string]any{"maxUnavailable": "50%"}},
		"Disabled":       {"  podDisruptionBudget: {enabled: false}\n", nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, newRequest(t, xrYAML(tc.spec), nil))
			r, ok := rsp.GetDesired().GetResources()["pdb"]
			if tc.want == nil {
				if ok {
					t.Fatalf("PDB composed although disabled")
				}
				return
			}
			spec := r.GetResource().AsMap()["spec"].(map[string]any)
			delete(spec, "selector")
			if diff := cmp.Diff(tc.want, spec); diff != "" {
				t.Errorf("PDB spec (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScaleOneToThree(t *testing.T) {
	one := run(t, newRequest(t, xrYAML("  replicas: 1\n"), nil))
	data := get(t, desired(t, one, "configmap"), "data").(map[string]any)
	// A single broker runs standalone: it is its own Raft leader, so it
	// turns ready without a bootstrap; min ISR must not exceed RF 1.
	for k, want := range map[string]any{"RIVVEN_MODE": "standalone", "RIVVEN_REPLICATION_FACTOR": "1", "RIVVEN_MIN_ISR": "1"} {
		if data[k] != want {
			t.Errorf("replicas 1: %s = %v, want %v", k, data[k], want)
		}
	}
	if _, ok := data["RIVVEN_SEEDS"]; ok {
		t.Error("replicas 1: a standalone broker gets seeds")
	}

	// Scale to three while the single broker is observed ready.
	req := newRequest(t, xrYAML(untestedVersion+"  replicas: 3\n"), map[string]string{
		"statefulset": observedSts(1, 1, 1, "r1", "r1", 1, 1),
	})
	three := run(t, req)
	data = get(t, desired(t, three, "configmap"), "data").(map[string]any)
	for k, want := range map[string]any{"RIVVEN_MODE": "cluster", "RIVVEN_REPLICATION_FACTOR": "3", "RIVVEN_MIN_ISR": "2"} {
		if data[k] != want {
			t.Errorf("replicas 3: %s = %v, want %v", k, data[k], want)
		}
	}
	if got := get(t, desired(t, three, "statefulset"), "spec", "replicas"); got != 3.0 {
		t.Errorf("StatefulSet replicas = %v, want 3", got)
	}
	if got := three.GetDesired().GetResources()["statefulset"].GetReady(); got != fnv1.Ready_READY_FALSE {
		t.Errorf("StatefulSet still at 1 replica is reported %v", got)
	}
	if got := get(t, three.GetDesired().GetComposite().GetResource().AsMap(), "status", "phase"); got != "Provisioning" {
		t.Errorf("phase = %v, want Provisioning", got)
	}
	if c := three.GetConditions(); len(c) != 1 || c[0].GetReason() != ReasonScaling {
		t.Errorf("conditions = %v, want one with reason %s", c, ReasonScaling)
	}

	// Beyond three brokers the seed list, and so the pods' config, stays put.
	five := run(t, newRequest(t, xrYAML("  replicas: 5\n"), nil))
	if a, b := hash(t, three), hash(t, five); a != b {
		t.Errorf("scaling 3 -> 5 changes the config hash (%s -> %s) and would restart running brokers", a, b)
	}
}

func hash(t *testing.T, rsp *fnv1.RunFunctionResponse) any {
	t.Helper()
	return get(t, desired(t, rsp, "statefulset"), "spec", "template", "metadata", "annotations", "rivven.io/config-hash")
}

func TestConfigChangeChangesOnlyHash(t *testing.T) {
	secret := map[string]string{"auth-secret": "apiVersion: v1\nkind: Secret\nmetadata: {name: rivven-c-auth, namespace: ns}\ndata: {cluster-auth-token: c2VjcmV0}\n"}
	base := run(t, newRequest(t, xrYAML("  config: {defaultPartitions: 3}\n"), secret))
	changed := run(t, newRequest(t, xrYAML("  config: {defaultPartitions: 6}\n"), secret))

	if hash(t, base) == hash(t, changed) {
		t.Fatal("a broker setting changed but the config hash did not")
	}
	for _, k := range keys(base) {
		a, b := desired(t, base, k), desired(t, changed, k)
		switch k {
		case "configmap":
			delete(a["data"].(map[string]any), "RIVVEN_DEFAULT_PARTITIONS")
			delete(b["data"].(map[string]any), "RIVVEN_DEFAULT_PARTITIONS")
		case "statefulset":
			delete(get(t, a, "spec", "template", "metadata", "annotations").(map[string]any), "rivven.io/config-hash")
			delete(get(t, b, "spec", "template", "metadata", "annotations").(map[string]any), "rivven.io/config-hash")
		}
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("%s changed beyond the setting and its hash (-before +after):\n%s", k, diff)
		}
	}

	// A change outside the broker settings leaves the hash alone.
	res := run(t, newRequest(t, xrYAML("  config: {defaultPartitions: 3}\n  resources: {requests: {cpu: \"2\"}}\n"), secret))
	if hash(t, base) != hash(t, res) {
		t.Error("changing resources changed the config hash")
	}
}

func TestAuthToken(t *testing.T) {
	t.Run("ReusedFromObservedSecret", func(t *testing.T) {
		rsp := run(t, newRequest(t, xrYAML("  {}\n"), map[string]string{
			"auth-secret": "apiVersion: v1\nkind: Secret\nmetadata: {name: rivven-c-auth, namespace: ns}\ndata: {cluster-auth-token: b2xkLXRva2Vu}\n",
		}))
		if got := get(t, desired(t, rsp, "auth-secret"), "data", "cluster-auth-token"); got != "b2xkLXRva2Vu" {
			t.Errorf("token = %v, want the observed b2xkLXRva2Vu", got)
		}
	})
	t.Run("GeneratedWhenAbsent", func(t *testing.T) {
		rsp := run(t, newRequest(t, xrYAML("  {}\n"), nil))
		// fixedRandom yields 32 bytes of 0xab: the token is their hex form.
		want := "YWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYmFiYWJhYg=="
		if got := get(t, desired(t, rsp, "auth-secret"), "data", "cluster-auth-token"); got != want {
			t.Errorf("token = %v, want %v", got, want)
		}
	})
	t.Run("NeverInStatusOrConfigMap", func(t *testing.T) {
		rsp := run(t, newRequest(t, xrYAML("  {}\n"), map[string]string{
			"auth-secret": "apiVersion: v1\nkind: Secret\ndata: {cluster-auth-token: c2VjcmV0LXZhbHVl}\n",
		}))
		for _, where := range []string{
			fmt.Sprint(rsp.GetDesired().GetComposite()), fmt.Sprint(desired(t, rsp, "configmap")),
			fmt.Sprint(rsp.GetResults()), fmt.Sprint(rsp.GetConditions()),
		} {
			if strings.Contains(where, "secret-value") || strings.Contains(where, "c2VjcmV0LXZhbHVl") {
				t.Errorf("token leaked: %s", where)
			}
		}
	})
}

func TestReadiness(t *testing.T) {
	cases := map[string]struct {
		sts       string // "" = not observed
		wantReady fnv1.Ready
		phase     string
		reason    string
		ready     float64
	}{
		"NotObserved":       {"", fnv1.Ready_READY_FALSE, "Pending", "NotObserved", 0},
		"AwaitingBootstrap": {observedSts(3, 0, 3, "r1", "r1", 1, 1), fnv1.Ready_READY_FALSE, "Provisioning", ReasonAwaitingBootstrap, 0},
		"PartlyReady":       {observedSts(3, 2, 3, "r1", "r1", 1, 1), fnv1.Ready_READY_FALSE, "Provisioning", "ReplicasNotReady", 2},
		"StaleGeneration":   {observedSts(3, 3, 3, "r1", "r1", 2, 1), fnv1.Ready_READY_FALSE, "Updating", "StatusNotObserved", 3},
		"RollingUpdate":     {observedSts(3, 3, 1, "r1", "r2", 2, 2), fnv1.Ready_READY_FALSE, "Updating", "RollingUpdate", 3},
		"Ready":             {observedSts(3, 3, 3, "r2", "r2", 2, 2), fnv1.Ready_READY_TRUE, "Running", "Available", 3},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			obs := map[string]string{}
			if tc.sts != "" {
				obs["statefulset"] = tc.sts
			}
			// A release not known to fail in cluster mode: the
			// readiness logic for releases whose clusters can start.
			rsp := run(t, newRequest(t, xrYAML(untestedVersion+"  replicas: 3\n"), obs))
			if got := rsp.GetDesired().GetResources()["statefulset"].GetReady(); got != tc.wantReady {
				t.Errorf("StatefulSet ready = %v, want %v", got, tc.wantReady)
			}
			st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
			if st["phase"] != tc.phase || st["readyReplicas"] != tc.ready {
				t.Errorf("status = %v, want phase %s, readyReplicas %v", st, tc.phase, tc.ready)
			}
			status := fnv1.Status_STATUS_CONDITION_FALSE
			if tc.wantReady == fnv1.Ready_READY_TRUE {
				status = fnv1.Status_STATUS_CONDITION_TRUE
			}
			c := rsp.GetConditions()
			if len(c) != 1 || c[0].GetType() != ConditionBrokersReady || c[0].GetStatus() != status || c[0].GetReason() != tc.reason || c[0].GetMessage() == "" {
				t.Errorf("conditions = %v, want BrokersReady %v with reason %s and a message", c, status, tc.reason)
			}
		})
	}

	// A tested release whose cluster mode cannot start: the status says so
	// from the start, and never claims progress.
	t.Run("ClusterModeUnsupported", func(t *testing.T) {
		for _, sts := range []string{"", observedSts(3, 0, 3, "r1", "r1", 1, 1)} {
			obs := map[string]string{}
			if sts != "" {
				obs["statefulset"] = sts
			}
			rsp := run(t, newRequest(t, xrYAML("  replicas: 3\n"), obs))
			st := rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
			if st["phase"] != "Unsupported" {
				t.Errorf("phase = %v, want Unsupported", st["phase"])
			}
			c := rsp.GetConditions()
			if len(c) != 1 || c[0].GetReason() != ReasonClusterModeUnsupported || !strings.Contains(c[0].GetMessage(), "Is a directory (os error 21)") {
				t.Errorf("conditions = %v, want BrokersReady False, %s, with the observed failure", c, ReasonClusterModeUnsupported)
			}
		}
	})

	t.Run("OtherResourcesReadyOnceObserved", func(t *testing.T) {
		rsp := run(t, newRequest(t, xrYAML("  {}\n"), map[string]string{
			"configmap":        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: rivven-c-config}\n",
			"headless-service": "apiVersion: v1\nkind: Service\nmetadata: {name: rivven-c-headless}\n",
		}))
		want := map[string]fnv1.Ready{
			"configmap": fnv1.Ready_READY_TRUE, "headless-service": fnv1.Ready_READY_TRUE,
			"client-service": fnv1.Ready_READY_FALSE, "pdb": fnv1.Ready_READY_FALSE,
			"auth-secret": fnv1.Ready_READY_FALSE, "providerconfig": fnv1.Ready_READY_FALSE,
			"statefulset": fnv1.Ready_READY_FALSE,
		}
		got := map[string]fnv1.Ready{}
		for k, r := range rsp.GetDesired().GetResources() {
			got[k] = r.GetReady()
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("readiness (-want +got):\n%s", diff)
		}
	})
}

func TestFatal(t *testing.T) {
	cases := map[string]struct {
		xr    string
		field string
	}{
		"NoNamespace":        {"apiVersion: rivven.io/v1alpha1\nkind: RivvenCluster\nmetadata: {name: c}\nspec: {}\n", "metadata.namespace"},
		"NameTooLong":        {"apiVersion: rivven.io/v1alpha1\nkind: RivvenCluster\nmetadata: {name: " + strings.Repeat("a", 46) + ", namespace: ns}\nspec: {}\n", "metadata.name"},
		"Undecodable":        {xrYAML("  replicas: three\n"), "spec"},
		"ReplicasZero":       {xrYAML("  replicas: 0\n"), "spec.replicas"},
		"Privileged":         {xrYAML("  containerSecurityContext: {privileged: true}\n"), "spec.containerSecurityContext.privileged"},
		"RunAsRoot":          {xrYAML("  securityContext: {runAsUser: 0}\n"), "spec.securityContext.runAsUser"},
		"BadVersion":         {xrYAML("  version: \"a b\"\n"), "spec.version"},
		"ImageWithTag":       {xrYAML("  image: ghcr.io/x/rivvend:1\n"), "spec.image"},
		"ImageWithDigest":    {xrYAML("  image: ghcr.io/x/rivvend@sha256:00\n"), "spec.image"},
		"StorageZero":        {xrYAML("  storage: {size: \"0\"}\n"), "spec.storage.size"},
		"PartitionsZero":     {xrYAML("  config: {defaultPartitions: 0}\n"), "spec.config.defaultPartitions"},
		"RFAboveReplicas":    {xrYAML("  replicas: 2\n  config: {defaultReplicationFactor: 3}\n"), "spec.config.defaultReplicationFactor"},
		"MinISRAboveRF":      {xrYAML("  config: {defaultReplicationFactor: 2, minInsyncReplicas: 3}\n"), "spec.config.minInsyncReplicas"},
		"MinISRAboveDefault": {xrYAML("  replicas: 1\n  config: {minInsyncReplicas: 2}\n"), "spec.config.minInsyncReplicas"},
		"SegmentZero":        {xrYAML("  config: {maxSegmentSize: \"0\"}\n"), "spec.config.maxSegmentSize"},
		"LogLevel":           {xrYAML("  config: {logLevel: loud}\n"), "spec.config.logLevel"},
		"RaftElectionMin":    {xrYAML("  config: {raft: {heartbeatMs: 200}}\n"), "spec.config.raft.electionMinMs"},
		"RaftElectionMax":    {xrYAML("  config: {raft: {electionMinMs: 400}}\n"), "spec.config.raft.electionMaxMs"},
		"TLSWithoutSecret":   {xrYAML("  tls: {enabled: true}\n"), "spec.tls.certSecretName"},
		"PDBBoth":            {xrYAML("  podDisruptionBudget: {minAvailable: 1, maxUnavailable: 1}\n"), "spec.podDisruptionBudget"},
		"PDBBadPercent":      {xrYAML("  podDisruptionBudget: {maxUnavailable: half}\n"), "spec.podDisruptionBudget.maxUnavailable"},
		"PDBNegative":        {xrYAML("  podDisruptionBudget: {minAvailable: -1}\n"), "spec.podDisruptionBudget.minAvailable"},
		"MonitorNoMetrics":   {xrYAML("  metrics: {enabled: false}\n  serviceMonitor: {enabled: true}\n"), "spec.serviceMonitor.enabled"},
		"MonitorInterval":    {xrYAML("  serviceMonitor: {interval: soon}\n"), "spec.serviceMonitor.interval"},
		"MonitorTimeout":     {xrYAML("  serviceMonitor: {scrapeTimeout: soon}\n"), "spec.serviceMonitor.scrapeTimeout"},
		"ServiceType":        {xrYAML("  service: {type: ExternalName}\n"), "spec.service.type"},
		"PullPolicy":         {xrYAML("  imagePullPolicy: Sometimes\n"), "spec.imagePullPolicy"},
		"SelectorLabel":      {xrYAML("  podLabels: {app.kubernetes.io/instance: x}\n"), "spec.podLabels"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, newRequest(t, tc.xr, nil))
			msg := fatal(rsp)
			if !strings.HasPrefix(msg, tc.field+":") && !strings.Contains(msg, "\n"+tc.field+":") {
				t.Errorf("Fatal message %q does not name %s", msg, tc.field)
			}
			// Nothing half-applied: no composed resource, no XR status.
			if n := len(rsp.GetDesired().GetResources()); n != 0 {
				t.Errorf("%d resources composed despite the Fatal result", n)
			}
			if rsp.GetDesired().GetComposite() != nil {
				t.Error("XR status set despite the Fatal result")
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	obs := map[string]string{
		"statefulset": observedSts(3, 3, 3, "r1", "r1", 1, 1),
		"auth-secret": "apiVersion: v1\nkind: Secret\ndata: {cluster-auth-token: c2VjcmV0}\n",
	}
	xr := readFile(t, seedPath) + "  serviceMonitor: {enabled: true, labels: {a: b, c: d}}\n  podLabels: {x: y, z: w}\n"
	marshal := func() []byte {
		b, err := proto.MarshalOptions{Deterministic: true}.Marshal(run(t, newRequest(t, xr, obs)))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := marshal()
	for range 20 {
		if diff := cmp.Diff(first, marshal()); diff != "" {
			t.Fatalf("output differs between runs:\n%s", diff)
		}
	}
	// The same holds for the whole response compared as protobuf.
	a, b := run(t, newRequest(t, xr, obs)), run(t, newRequest(t, xr, obs))
	if diff := cmp.Diff(a, b, protocmp.Transform()); diff != "" {
		t.Errorf("responses differ (-a +b):\n%s", diff)
	}
}

// TestNoZeroValuedNoise proves desired objects carry only fields the function
// means: no status, no nulls, no empty strings, objects or lists (emptyDir
// excepted),
// no creationTimestamp.
func TestNoZeroValuedNoise(t *testing.T) {
	xr := readFile(t, seedPath) + "  serviceMonitor: {enabled: true}\n"
	rsp := run(t, newRequest(t, xr, nil))
	for k, r := range rsp.GetDesired().GetResources() {
		obj := r.GetResource().AsMap()
		if _, ok := obj["status"]; ok {
			t.Errorf("%s carries status", k)
		}
		walk(obj, k, func(path string, v any) {
			switch x := v.(type) {
			case nil:
				t.Errorf("%s is null", path)
			case string:
				if x == "" {
					t.Errorf("%s is an empty string", path)
				}
			case map[string]any:
				if len(x) == 0 && !strings.HasSuffix(path, ".emptyDir") {
					t.Errorf("%s is an empty object", path)
				}
			case []any:
				if len(x) == 0 {
					t.Errorf("%s is an empty list", path)
				}
			}
			if strings.HasSuffix(path, ".creationTimestamp") || strings.HasSuffix(path, ".hostNetwork") {
				t.Errorf("%s is set", path)
			}
		})
	}
}

func walk(v any, path string, fn func(string, any)) {
	fn(path, v)
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			walk(e, path+"."+k, fn)
		}
	case []any:
		for i, e := range x {
			walk(e, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	}
}
