package connect

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// TestReadinessIsRivvenConnectCheck runs two composed datagen pipelines on
// the real rivven-connect: one against a running rivvend, one whose
// cluster publishes a bootstrap server nothing listens on. The composed
// readiness probe (rivven-connect check in the container) makes the first
// ready and keeps the second not ready while its process lives and its
// liveness probe (/live) passes; stopping the broker makes the first not
// ready too. It also pins why readiness cannot use the binary's HTTP
// endpoints: on the pipeline that moves records, /ready and /health answer
// 503 and /health says the broker is not connected.
func TestReadinessIsRivvenConnectCheck(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	broker, rc, _ := runProductionBroker(t, ctx, "readiness")
	healthy := startDatagen(t, "ready-demo", rc)

	// A cluster that says it is Ready at an address that refuses: the
	// test's own address on the pod network, where nothing serves 9092.
	const gone = "rivven-gone.default.svc"
	network(t).AddHost(gone, network(t).Gateway())
	unreachable := map[string]any{
		"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenCluster",
		"metadata": map[string]any{"name": "production", "namespace": "default"},
		"spec":     map[string]any{"version": v1alpha1.DefaultVersion},
		"status": map[string]any{"phase": "Running", "bootstrapServers": gone + ":9092",
			"conditions": []any{map[string]any{"type": "Ready", "status": "True", "reason": "Available"}}},
	}
	broken := startDatagen(t, "unreachable-demo", unreachable)

	if err := podrun.WaitFor(ctx, healthy.Ready); err != nil {
		t.Fatalf("the pipeline that reaches its broker never turned ready: %+v\n%s", healthy.Status().ContainerStatuses, tail(healthy.Logs("connect")))
	}
	// Records flow while the HTTP endpoints say otherwise.
	if err := podrun.WaitFor(ctx, func() bool { return strings.Contains(consume(ctx, t, broker, "demo.orders"), "[offset=0]") }); err != nil {
		t.Fatal("no record reached the broker")
	}
	for path, want := range map[string]string{"/ready": `{"ready":false}`, "/health": `"broker_connected":false`} {
		code, body := get(ctx, t, healthy.IP(), path)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, want) {
			t.Errorf("GET %s on the working pipeline = %d %s; rivven-connect %s answered 503 with %s, which is why readiness runs rivven-connect check",
				path, code, body, v1alpha1.DefaultVersion, want)
		}
	}

	// The unreachable pipeline: alive, never ready, for more than three
	// failed checks (each waits 5 s for the broker).
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if broken.Ready() {
			t.Fatalf("the pipeline whose broker refuses turned ready:\n%s", tail(broken.Logs("connect")))
		}
		time.Sleep(500 * time.Millisecond)
	}
	cs := broken.Status().ContainerStatuses[0]
	if cs.State.Running == nil || cs.RestartCount != 0 {
		t.Errorf("the unreachable pipeline's process should keep running (it retries the broker): %+v", cs)
	}
	if code, body := get(ctx, t, broken.IP(), "/live"); code != http.StatusOK {
		t.Errorf("GET /live on the unreachable pipeline = %d %s, want 200: the liveness probe keeps it", code, body)
	}

	// The broker goes away: the working pipeline is no longer ready.
	broker.Stop()
	if err := podrun.WaitFor(ctx, func() bool { return !healthy.Ready() }); err != nil {
		t.Fatal("the pipeline stayed ready after its broker stopped")
	}
}

// startDatagen runs examples/connect/datagen-stdout.yaml, renamed, as its
// composed Deployment's pod against cluster, with a readiness probe every
// 2 seconds so the test sees its verdicts quickly.
func startDatagen(t *testing.T, name string, cluster map[string]any) *podrun.Pod {
	t.Helper()
	xr := readYAML(t, "examples/connect/datagen-stdout.yaml")
	xr["metadata"].(map[string]any)["name"] = name
	xr["spec"].(map[string]any)["readinessProbe"] = map[string]any{"initialDelaySeconds": 0, "periodSeconds": 2}
	c := compose(t, xr, cluster)
	if p := c.Deployment.Spec.Template.Spec.Containers[0].ReadinessProbe; p == nil || p.Exec == nil {
		t.Fatalf("the composed readiness probe is not rivven-connect check: %+v", p)
	}
	pod, err := podrun.Start(network(t), pod(t, c, c.Deployment.Spec.Template.Spec, rivvenbin.Resolve))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pod.Stop)
	return pod
}

// get fetches path from rivven-connect's health server (port 8080) in the
// pod at ip.
func get(ctx context.Context, t *testing.T, ip, path string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	addr := net.JoinHostPort(netip.MustParseAddr(ip).String(), "8080")
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	return rsp.StatusCode, string(b)
}
