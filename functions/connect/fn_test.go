package connect

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/functions/internal/confighash"
)

func readExample(t *testing.T, name string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "connect", name))
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := yaml.Unmarshal(b, &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

func toStruct(t *testing.T, obj map[string]any) *structpb.Struct {
	t.Helper()
	b, err := json.Marshal(obj)
	if err != nil {
		t.Fatal(err)
	}
	return resource.MustStructJSON(string(b))
}

// cluster is a RivvenCluster as function-rivven-cluster publishes it.
func cluster(ns string, ready bool, tls bool) map[string]any {
	status := "False"
	if ready {
		status = "True"
	}
	return map[string]any{
		"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenCluster",
		"metadata": map[string]any{"name": "production", "namespace": ns},
		"spec":     map[string]any{"tls": map[string]any{"enabled": tls, "certSecretName": "rivven-tls"}},
		"status": map[string]any{
			"phase":            "Running",
			"bootstrapServers": "rivven-production." + ns + ".svc:9092",
			"conditions":       []any{map[string]any{"type": "Ready", "status": status, "reason": "Available"}},
		},
	}
}

type reqOpt func(*fnv1.RunFunctionRequest)

func withCluster(t *testing.T, obj map[string]any) reqOpt {
	return func(r *fnv1.RunFunctionRequest) {
		items := []*fnv1.Resource{}
		if obj != nil {
			items = append(items, &fnv1.Resource{Resource: toStruct(t, obj)})
		}
		r.RequiredResources = map[string]*fnv1.Resources{RequiredCluster: {Items: items}}
	}
}

func withObserved(t *testing.T, name string, obj map[string]any) reqOpt {
	return func(r *fnv1.RunFunctionRequest) {
		if r.Observed.Resources == nil {
			r.Observed.Resources = map[string]*fnv1.Resource{}
		}
		r.Observed.Resources[name] = &fnv1.Resource{Resource: toStruct(t, obj)}
	}
}

func newRequest(t *testing.T, xr map[string]any, opts ...reqOpt) *fnv1.RunFunctionRequest {
	t.Helper()
	r := &fnv1.RunFunctionRequest{
		Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: toStruct(t, xr)}},
		Desired:  &fnv1.State{},
	}
	for _, o := range opts {
		o(r)
	}
	return r
}

func run(t *testing.T, req *fnv1.RunFunctionRequest) *fnv1.RunFunctionResponse {
	t.Helper()
	rsp, err := (&Function{}).RunFunction(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return rsp
}

func decode[T any](t *testing.T, rsp *fnv1.RunFunctionResponse, name string) *T {
	t.Helper()
	r, ok := rsp.GetDesired().GetResources()[name]
	if !ok {
		t.Fatalf("no desired resource %q; have %v", name, keys(rsp.GetDesired().GetResources()))
	}
	b, err := r.GetResource().MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func keys(m map[string]*fnv1.Resource) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func fatal(rsp *fnv1.RunFunctionResponse) string {
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return r.GetMessage()
		}
	}
	return ""
}

// warnings are the messages of the Warning results.
func warnings(rsp *fnv1.RunFunctionResponse) []string {
	var out []string
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			out = append(out, r.GetMessage())
		}
	}
	return out
}

func condition(rsp *fnv1.RunFunctionResponse, typ string) *fnv1.Condition {
	for _, c := range rsp.GetConditions() {
		if c.GetType() == typ {
			return c
		}
	}
	return nil
}

func xrStatus(rsp *fnv1.RunFunctionResponse) map[string]any {
	return rsp.GetDesired().GetComposite().GetResource().AsMap()["status"].(map[string]any)
}

func TestRequirementAskedEveryTime(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	rsp := run(t, newRequest(t, xr))
	want := &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector{RequiredCluster: {
		ApiVersion: "rivven.io/v1alpha1", Kind: "RivvenCluster",
		Namespace: ptr("default"), Match: &fnv1.ResourceSelector_MatchName{MatchName: "production"},
	}}}
	if diff := cmp.Diff(want, rsp.GetRequirements(), protocmp.Transform()); diff != "" {
		t.Errorf("requirements (-want +got):\n%s", diff)
	}
	// Unresolved: nothing composed, nothing reported yet.
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("%d desired resources before the requirement is resolved", n)
	}
	if len(rsp.GetResults()) != 0 || len(rsp.GetConditions()) != 0 {
		t.Errorf("results %v, conditions %v before the requirement is resolved", rsp.GetResults(), rsp.GetConditions())
	}

	// Cross-namespace reference.
	xr["spec"].(map[string]any)["clusterRef"] = map[string]any{"name": "production", "namespace": "streaming"}
	rsp = run(t, newRequest(t, xr))
	if got := rsp.GetRequirements().GetResources()[RequiredCluster].GetNamespace(); got != "streaming" {
		t.Errorf("requirement namespace = %q, want streaming", got)
	}
}

func TestComposeSeedAgainstReadyCluster(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	rsp := run(t, newRequest(t, xr, withCluster(t, cluster("default", true, true))))
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	if diff := cmp.Diff([]string{ResourceConfigMap, ResourceDeployment, ResourceService}, sortedKeys(rsp.GetDesired().GetResources())); diff != "" {
		t.Errorf("composed resources (-want +got):\n%s", diff)
	}

	cm := decode[corev1.ConfigMap](t, rsp, ResourceConfigMap)
	if cm.Name != "rivven-connect-cdc-pipeline-config" || cm.Namespace != "default" {
		t.Errorf("ConfigMap %s/%s", cm.Namespace, cm.Name)
	}
	file := cm.Data["pipeline.yaml"]
	// The seed asks for TLS, but the cluster's client port is plaintext
	// (released rivvend lacks its tls feature): no TLS, and a Warning.
	if strings.Contains(file, "tls") {
		t.Errorf("pipeline.yaml speaks TLS to a plaintext client port:\n%s", file)
	}
	if w := warnings(rsp); !strings.Contains(strings.Join(w, "\n"), "spec.tls.enabled: not applied") {
		t.Errorf("no Warning names spec.tls.enabled: %q", w)
	}
	for _, want := range []string{
		"rivven-production.default.svc:9092",
	} {
		if !strings.Contains(file, want) {
			t.Errorf("pipeline.yaml lacks %q:\n%s", want, file)
		}
	}

	d := decode[appsv1.Deployment](t, rsp, ResourceDeployment)
	if d.Name != "rivven-connect-cdc-pipeline" || *d.Spec.Replicas != 2 {
		t.Errorf("Deployment %s replicas %d", d.Name, *d.Spec.Replicas)
	}
	pod := d.Spec.Template.Spec
	main, initc := pod.Containers[0], pod.InitContainers[0]
	if diff := cmp.Diff([]string{"-c", "/config/pipeline.yaml", "run"}, main.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"-c", "/config/pipeline.yaml", "validate"}, initc.Args); diff != "" {
		t.Errorf("init args (-want +got):\n%s", diff)
	}
	if main.Image != "ghcr.io/hupe1980/rivven-connect:0.0.1" || initc.Image != main.Image {
		t.Errorf("images %q, %q", main.Image, initc.Image)
	}
	if got, want := d.Spec.Template.Annotations[confighash.Annotation], confighash.Of(cm.Data); got != want {
		t.Errorf("config hash annotation %q, want hash of the ConfigMap %q", got, want)
	}
	if main.LivenessProbe == nil || main.LivenessProbe.HTTPGet.Path != "/live" || main.LivenessProbe.HTTPGet.Port.StrVal != "health" {
		t.Errorf("liveness probe %+v", main.LivenessProbe)
	}
	if sc := main.SecurityContext; sc == nil || !*sc.ReadOnlyRootFilesystem || *sc.AllowPrivilegeEscalation {
		t.Errorf("container security context %+v", sc)
	}
	if sc := pod.SecurityContext; sc == nil || !*sc.RunAsNonRoot || *sc.RunAsUser != 65532 {
		t.Errorf("pod security context %+v", sc)
	}
	if pod.AutomountServiceAccountToken == nil || *pod.AutomountServiceAccountToken {
		t.Error("the service account token must not be mounted")
	}

	// Secrets: every variable comes from a Secret, never a literal value.
	wantEnv := map[string]string{
		"RIVVEN_SOURCE_POSTGRES_CDC__database":      "postgres-credentials/database",
		"RIVVEN_SOURCE_POSTGRES_CDC__host":          "postgres-credentials/host",
		"RIVVEN_SOURCE_POSTGRES_CDC__password":      "postgres-credentials/password",
		"RIVVEN_SOURCE_POSTGRES_CDC__user":          "postgres-credentials/user",
		"RIVVEN_SINK_S3_ARCHIVE__access_key_id":     "s3-credentials/access_key_id",
		"RIVVEN_SINK_S3_ARCHIVE__secret_access_key": "s3-credentials/secret_access_key",
	}
	for _, c := range []corev1.Container{main, initc} {
		got := map[string]string{}
		for _, e := range c.Env {
			if e.Value != "" || e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil {
				t.Errorf("%s: env %s is not a secretKeyRef", c.Name, e.Name)
				continue
			}
			got[e.Name] = e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		}
		if diff := cmp.Diff(wantEnv, got); diff != "" {
			t.Errorf("%s env (-want +got):\n%s", c.Name, diff)
		}
		var prefixes []string
		for _, ef := range c.EnvFrom {
			prefixes = append(prefixes, ef.Prefix+"<"+ef.SecretRef.Name+">")
		}
		if diff := cmp.Diff([]string{"RIVVEN_SOURCE_POSTGRES_CDC__<postgres-credentials>", "RIVVEN_SINK_S3_ARCHIVE__<s3-credentials>"}, prefixes); diff != "" {
			t.Errorf("%s envFrom (-want +got):\n%s", c.Name, diff)
		}
	}
	vols := map[string]string{}
	for _, v := range pod.Volumes {
		if v.Secret != nil {
			vols[v.Name] = v.Secret.SecretName
		}
	}
	if diff := cmp.Diff(map[string]string{"source-0-secret": "postgres-credentials", "sink-0-secret": "s3-credentials"}, vols); diff != "" {
		t.Errorf("secret volumes (-want +got):\n%s", diff)
	}

	svc := decode[corev1.Service](t, rsp, ResourceService)
	var ports []string
	for _, p := range svc.Spec.Ports {
		ports = append(ports, p.Name+":"+p.TargetPort.String())
	}
	if diff := cmp.Diff([]string{"health:health", "metrics:metrics"}, ports); diff != "" {
		t.Errorf("service ports (-want +got):\n%s", diff)
	}

	st := xrStatus(rsp)
	wantStatus := map[string]any{"phase": PhaseProvisioning, "enabledSources": "1/1", "enabledSinks": "3/3", "replicas": float64(2), "readyReplicas": float64(0),
		"bootstrapServers": "rivven-production.default.svc:9092", "configHash": confighash.Of(cm.Data)}
	if diff := cmp.Diff(wantStatus, st); diff != "" {
		t.Errorf("status (-want +got):\n%s", diff)
	}
	if c := condition(rsp, ConditionClusterReady); c == nil || c.GetStatus() != fnv1.Status_STATUS_CONDITION_TRUE {
		t.Errorf("ClusterReady condition = %v", c)
	}
	warnings := 0
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			warnings++
		}
	}
	if warnings < 5 {
		t.Errorf("%d warnings; the seed has at least five requests rivven-connect cannot honour", warnings)
	}
	replicasWarned := false
	for _, r := range rsp.GetResults() {
		replicasWarned = replicasWarned || strings.HasPrefix(r.GetMessage(), `spec.replicas: 2 workers each start spec.sources[0] (postgres-cdc) on replication slot "rivven_cdc_slot"`)
	}
	if !replicasWarned {
		t.Error("two workers on one replication slot are not reported")
	}
}

func sortedKeys(m map[string]*fnv1.Resource) []string {
	k := keys(m)
	for i := range k {
		for j := i + 1; j < len(k); j++ {
			if k[j] < k[i] {
				k[i], k[j] = k[j], k[i]
			}
		}
	}
	return k
}

func TestMissingClusterComposesNothing(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	rsp := run(t, newRequest(t, xr, withCluster(t, nil)))
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	if n := len(rsp.GetDesired().GetResources()); n != 0 {
		t.Errorf("%d resources composed without a cluster", n)
	}
	c := condition(rsp, ConditionClusterReady)
	if c == nil || c.GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE || c.GetReason() != ReasonClusterNotFound {
		t.Fatalf("ClusterReady condition = %v", c)
	}
	if !strings.Contains(c.GetMessage(), "default/production") {
		t.Errorf("message %q does not name the cluster", c.GetMessage())
	}
	if rsp.GetDesired().GetComposite().GetReady() != fnv1.Ready_READY_FALSE {
		t.Error("the composite must not count as ready while the cluster is missing")
	}
	if got := xrStatus(rsp)["phase"]; got != PhaseWaitingForCluster {
		t.Errorf("phase = %v", got)
	}
}

func TestNotReadyClusterKeepsObservedResources(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	// First compose against a Ready cluster, then observe what was
	// composed, with server-set fields, and lose the cluster.
	first := run(t, newRequest(t, xr, withCluster(t, cluster("default", true, true))))
	var opts []reqOpt
	for name, r := range first.GetDesired().GetResources() {
		obj := r.GetResource().AsMap()
		md := obj["metadata"].(map[string]any)
		md["uid"], md["resourceVersion"], md["generation"] = "u-1", "42", float64(3)
		md["annotations"] = map[string]any{"deployment.kubernetes.io/revision": "3"}
		obj["status"] = map[string]any{"observedGeneration": float64(3)}
		opts = append(opts, withObserved(t, name, obj))
	}
	opts = append(opts, withCluster(t, cluster("default", false, true)))
	rsp := run(t, newRequest(t, xr, opts...))
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	if diff := cmp.Diff(sortedKeys(first.GetDesired().GetResources()), sortedKeys(rsp.GetDesired().GetResources())); diff != "" {
		t.Fatalf("kept resources (-want +got):\n%s", diff)
	}
	for name, r := range rsp.GetDesired().GetResources() {
		want := first.GetDesired().GetResources()[name].GetResource().AsMap()
		got := r.GetResource().AsMap()
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s is not kept as composed (-want +got):\n%s", name, diff)
		}
	}
	c := condition(rsp, ConditionClusterReady)
	if c == nil || c.GetReason() != ReasonClusterNotReady {
		t.Errorf("ClusterReady condition = %v", c)
	}
}

func TestCrossNamespaceCluster(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	spec := xr["spec"].(map[string]any)
	spec["clusterRef"] = map[string]any{"name": "production", "namespace": "streaming"}
	rsp := run(t, newRequest(t, xr, withCluster(t, cluster("streaming", true, true))))
	if msg := fatal(rsp); msg != "" {
		t.Fatalf("fatal: %s", msg)
	}
	cm := decode[corev1.ConfigMap](t, rsp, ResourceConfigMap)
	if !strings.Contains(cm.Data["pipeline.yaml"], "rivven-production.streaming.svc:9092") {
		t.Errorf("pipeline does not point at the other namespace:\n%s", cm.Data["pipeline.yaml"])
	}
	d := decode[appsv1.Deployment](t, rsp, ResourceDeployment)
	for _, v := range d.Spec.Template.Spec.Volumes {
		if v.Secret != nil && v.Secret.SecretName == "rivven-tls" {
			t.Error("a Secret of another namespace is mounted")
		}
	}
}

func TestFatalInput(t *testing.T) {
	cases := map[string]struct {
		mutate func(spec map[string]any)
		want   string
	}{
		"empty pipeline": {
			mutate: func(s map[string]any) { delete(s, "sources"); delete(s, "sinks") },
			want:   "spec.sources and spec.sinks are both empty",
		},
		"inline credential": {
			mutate: func(s map[string]any) {
				s["sinks"].([]any)[2].(map[string]any)["config"] = map[string]any{"token": secretValue}
			},
			want: "spec.sinks[2].config.token",
		},
		"privileged container": {
			mutate: func(s map[string]any) { s["containerSecurityContext"] = map[string]any{"privileged": true} },
			want:   "spec.containerSecurityContext.privileged",
		},
		"undecodable spec": {
			mutate: func(s map[string]any) { s["replicas"] = "two" },
			want:   "cannot decode RivvenConnect spec",
		},
		"client auth without a Secret": {
			mutate: func(s map[string]any) { s["tls"] = map[string]any{"enabled": true, "clientAuth": true} },
			want:   "", // the cluster's Secret is in the same namespace: accepted
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readExample(t, "cdc-pipeline.yaml")
			tc.mutate(xr["spec"].(map[string]any))
			for _, ready := range []bool{true, false} {
				rsp := run(t, newRequest(t, xr, withCluster(t, cluster("default", ready, true))))
				msg := fatal(rsp)
				if tc.want == "" {
					if msg != "" {
						t.Errorf("ready=%v: unexpected fatal %q", ready, msg)
					}
					continue
				}
				if !strings.Contains(msg, tc.want) {
					t.Errorf("ready=%v: fatal %q does not contain %q", ready, msg, tc.want)
				}
				if n := len(rsp.GetDesired().GetResources()); n != 0 {
					t.Errorf("ready=%v: %d resources composed despite the error", ready, n)
				}
				if b, _ := protojson.Marshal(rsp); strings.Contains(string(b), secretValue) {
					t.Errorf("ready=%v: the response repeats the inline credential", ready)
				}
			}
		})
	}
	// With a cluster in another namespace there is no Secret to borrow.
	xr := readExample(t, "cdc-pipeline.yaml")
	xr["spec"].(map[string]any)["clusterRef"] = map[string]any{"name": "production", "namespace": "other"}
	xr["spec"].(map[string]any)["tls"] = map[string]any{"enabled": true, "clientAuth": true}
	if msg := fatal(run(t, newRequest(t, xr, withCluster(t, cluster("other", true, false))))); !strings.Contains(msg, "spec.tls.clientAuth") {
		t.Errorf("fatal = %q, want it to name spec.tls.clientAuth", msg)
	}
}

func TestServiceMonitorWhenAsked(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	xr["spec"].(map[string]any)["serviceMonitor"] = map[string]any{"enabled": true, "interval": "15s", "labels": map[string]any{"release": "prom"}}
	rsp := run(t, newRequest(t, xr, withCluster(t, cluster("default", true, true))))
	sm, ok := rsp.GetDesired().GetResources()[ResourceServiceMonitor]
	if !ok {
		t.Fatal("no ServiceMonitor")
	}
	m := sm.GetResource().AsMap()
	ep := m["spec"].(map[string]any)["endpoints"].([]any)[0].(map[string]any)
	if diff := cmp.Diff(map[string]any{"port": "metrics", "path": "/metrics", "interval": "15s"}, ep); diff != "" {
		t.Errorf("endpoint (-want +got):\n%s", diff)
	}
	svc := decode[corev1.Service](t, rsp, ResourceService)
	sel := m["spec"].(map[string]any)["selector"].(map[string]any)["matchLabels"].(map[string]any)
	for k, v := range sel {
		if svc.Labels[k] != v {
			t.Errorf("ServiceMonitor selects %s=%v; the Service has %q", k, v, svc.Labels[k])
		}
	}
	if m["metadata"].(map[string]any)["labels"].(map[string]any)["release"] != "prom" {
		t.Error("ServiceMonitor labels are not applied")
	}
}

func TestRunFunctionDeterministic(t *testing.T) {
	xr := readExample(t, "cdc-pipeline.yaml")
	req := newRequest(t, xr, withCluster(t, cluster("default", true, true)))
	first := run(t, req)
	for range 20 {
		if diff := cmp.Diff(first, run(t, req), protocmp.Transform()); diff != "" {
			t.Fatalf("responses differ (-first +again):\n%s", diff)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// secretValue is a credential a user wrongly wrote inline; it must never be
// echoed back in results, conditions or status.
const secretValue = "s3cr3t-VALUE-42"

// TestCDCRollsOutWithRecreate: with a CDC source the old pod stops before
// the new one starts, so two replication readers never share a slot; other
// pipelines keep the rolling update.
func TestCDCRollsOutWithRecreate(t *testing.T) {
	for example, want := range map[string]appsv1.DeploymentStrategyType{
		"cdc-pipeline.yaml":    appsv1.RecreateDeploymentStrategyType,
		"mysql-cdc-kafka.yaml": appsv1.RecreateDeploymentStrategyType,
		"datagen-stdout.yaml":  "", // the API server's default, RollingUpdate
	} {
		t.Run(example, func(t *testing.T) {
			rsp := run(t, newRequest(t, readExample(t, example), withCluster(t, cluster("default", true, false))))
			if msg := fatal(rsp); msg != "" {
				t.Fatal(msg)
			}
			if got := decode[appsv1.Deployment](t, rsp, ResourceDeployment).Spec.Strategy.Type; got != want {
				t.Errorf("strategy = %q, want %q", got, want)
			}
		})
	}

	// A disabled CDC source reads nothing: no reason to stop first.
	xr := readExample(t, "cdc-pipeline.yaml")
	for _, s := range xr["spec"].(map[string]any)["sources"].([]any) {
		s.(map[string]any)["enabled"] = false
	}
	rsp := run(t, newRequest(t, xr, withCluster(t, cluster("default", true, false))))
	if got := decode[appsv1.Deployment](t, rsp, ResourceDeployment).Spec.Strategy.Type; got != "" {
		t.Errorf("strategy = %q with every CDC source disabled", got)
	}
}
