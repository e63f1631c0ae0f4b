package connect

import (
	"context"
	"net"
	"net/netip"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// TestDatagenPipelineMovesRecords runs examples/connect/datagen-stdout.yaml
// end to end on real binaries: a one-broker RivvenCluster named production
// (as the example's clusterRef names it) composed by function-rivven-cluster
// and run on rivvend; the RivvenConnect composed against that cluster's
// published status and run on rivven-connect exactly as its Deployment's pod
// (validate, then run; the pipeline reaches the broker by the client
// Service name the cluster publishes). The datagen source's records reach
// the broker topic, read back with the rivven CLI from the first offset, and
// the stdout sink, which starts at the earliest offset as the spec asks; the
// source's 5 events per second bound how many arrive.
func TestDatagenPipelineMovesRecords(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	broker, rc, bootstrap := runProductionBroker(t, ctx, "datagen")
	xr := readYAML(t, "examples/connect/datagen-stdout.yaml")
	c := compose(t, xr, rc)
	if !strings.Contains(c.ConfigMap.Data["pipeline.yaml"], bootstrap) {
		t.Fatalf("the pipeline does not name the published bootstrap server %s", bootstrap)
	}
	start := time.Now()
	worker, err := podrun.Start(network(t), pod(t, c, c.Deployment.Spec.Template.Spec, rivvenbin.Resolve))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Stop)
	if err := podrun.WaitFor(ctx, worker.Ready); err != nil {
		t.Fatalf("the connect pod never turned ready: %+v %+v\n%s\n%s", worker.Status().InitContainerStatuses,
			worker.Status().ContainerStatuses, worker.Logs("validate"), worker.Logs("connect"))
	}

	// Records on the broker, read by the independent client from offset 0.
	const want = 10
	var consumed string
	if err := podrun.WaitFor(ctx, func() bool {
		consumed = consume(ctx, t, broker, "demo.orders")
		return strings.Count(consumed, "[offset=") >= want
	}); err != nil {
		t.Fatalf("fewer than %d records on demo.orders:\n%s\n--- connect log\n%s", want, consumed, tail(worker.Logs("connect")))
	}
	elapsed := time.Since(start)
	if !strings.Contains(consumed, "[offset=0]") {
		t.Errorf("the CLI did not read from offset 0:\n%s", consumed)
	}

	// The stdout sink printed them, starting at the earliest offset.
	logs := worker.Logs("connect")
	printed := len(orderLine.FindAllString(logs, -1))
	if printed == 0 {
		t.Fatalf("the stdout sink printed no order:\n%s", tail(logs))
	}
	// 5 events per second: never many more than that over the run.
	if n := strings.Count(consumed, "[offset="); float64(n) > 5*elapsed.Seconds()+10 {
		t.Errorf("%d records in %s: more than 5 per second", n, elapsed.Round(time.Second))
	}
	t.Logf("%d records on the broker after %s, %d printed by the stdout sink", strings.Count(consumed, "[offset="), elapsed.Round(time.Second), printed)
}

// orderLine is a datagen order as the stdout sink prints it in JSON.
var orderLine = regexp.MustCompile(`"order_id"`)

func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}

func cli(t *testing.T) string {
	t.Helper()
	p, err := rivvenbin.Binary(v1alpha1.DefaultVersion, "rivven")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// runProductionBroker starts a one-broker RivvenCluster named production
// (the connect examples' clusterRef) in namespace ns, composed by
// function-rivven-cluster and run on rivvend, waits for its readiness
// probe, makes its client Service name resolve to it, and returns the
// RivvenCluster as function-rivven-connect reads it then: the status the
// cluster function publishes, Ready because its broker is. Each test names
// its own namespace, so the Service names of tests running side by side
// never collide.
func runProductionBroker(t *testing.T, ctx context.Context, ns string) (*podrun.Pod, map[string]any, string) {
	t.Helper()
	cl, err := composed.RunCluster(map[string]any{
		"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenCluster",
		"metadata": map[string]any{"name": "production", "namespace": ns},
		"spec":     map[string]any{},
	})
	if err != nil {
		t.Fatal(err)
	}
	broker, err := podrun.Start(network(t), cl.BrokerPod(0, t.TempDir(), composed.EmptyObjects(), rivvenbin.Resolve))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(broker.Stop)
	if err := podrun.WaitFor(ctx, broker.Ready); err != nil {
		t.Fatalf("the broker never turned ready: %+v\n%s", broker.Status().ContainerStatuses, broker.Logs("rivvend"))
	}
	status := cl.XR["status"].(map[string]any)
	bootstrap := status["bootstrapServers"].(string)
	host, _, err := net.SplitHostPort(bootstrap)
	if err != nil {
		t.Fatal(err)
	}
	network(t).AddHost(host, netip.MustParseAddr(broker.IP()))
	rc := map[string]any{
		"apiVersion": "rivven.io/v1alpha1", "kind": "RivvenCluster",
		"metadata": map[string]any{"name": "production", "namespace": ns},
		"spec":     map[string]any{"version": v1alpha1.DefaultVersion},
		"status": map[string]any{
			"phase": status["phase"], "bootstrapServers": bootstrap,
			"conditions": []any{map[string]any{"type": "Ready", "status": "True", "reason": "Available"}},
		},
	}
	return broker, rc, bootstrap
}

// consume reads up to 1000 records of topic from offset 0 with the rivven CLI.
func consume(ctx context.Context, t *testing.T, broker *podrun.Pod, topic string) string {
	out, _ := exec.CommandContext(ctx, cli(t), "consume", topic, "--offset", "0", "--max", "1000",
		"--server", broker.IP()+":9092").CombinedOutput()
	return string(out)
}
