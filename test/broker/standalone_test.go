package broker

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// TestStandaloneBroker runs the broker pod of every single-broker example as
// composed, with the real rivvend, and checks what a user relies on: the
// broker stays up, the composed probes pass, the ServiceMonitor's endpoint
// serves Prometheus text, and the real rivven CLI creates, lists and
// describes a topic on the client port.
func TestStandaloneBroker(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		example string
		// certSecret is the TLS Secret the example names, made here with
		// only tls.crt and tls.key.
		certSecret string
	}{
		"minimal":        {example: "cluster/minimal.yaml"},
		"standalone-tls": {example: "cluster/standalone-tls.yaml", certSecret: "rivven-tls"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := compose(t, readExample(t, tc.example))
			if r := *c.StatefulSet.Spec.Replicas; r != 1 {
				t.Fatalf("%s composes %d brokers; this test is for single-broker examples", tc.example, r)
			}
			objs := composed.EmptyObjects()
			if tc.certSecret != "" {
				ns := c.StatefulSet.Namespace
				host := c.Client.Name + "." + ns + ".svc"
				objs.Secrets[tc.certSecret] = tlsSecret(t, tc.certSecret, ns, []string{host}, nil)
			}
			dir := t.TempDir()
			pod, err := podrun.Start(network(t), c.BrokerPod(0, dir, objs, resolveImage))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pod.Stop)
			ctr := brokerContainer(t, c)
			ip := netip.MustParseAddr(pod.IP())

			waitReady(t, pod, 90*time.Second)

			// The composed probes pass, run once more directly.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			for what, p := range map[string]*corev1.Probe{"readiness": ctr.ReadinessProbe, "liveness": ctr.LivenessProbe} {
				if p == nil {
					t.Fatalf("no %s probe composed", what)
				}
				if err := podrun.Probe(ctx, p, ctr, ip); err != nil {
					t.Errorf("%s probe: %v", what, err)
				}
			}
			if tc.certSecret != "" {
				// The tested releases crash with API TLS
				// (TestAPITLSFailure): the function composes none
				// and says so.
				if w := strings.Join(composed.Warnings(c.Results), "\n"); !strings.Contains(w, "spec.tls.enabled: not applied") {
					t.Errorf("no Warning that spec.tls.enabled is not applied:\n%s", w)
				}
				assertPlainHTTP(t, ip, apiPort(t, ctr))
			}

			checkMetrics(t, c, ctr, ip)
			checkTopicsWithCLI(t, pod.IP())

			// rivvend keeps its data on the claim's volume, where the
			// composed RIVVEN_DATA_DIR points.
			claim := filepath.Join(dir, "volumes", "data")
			if entries, err := os.ReadDir(claim); err != nil || len(entries) == 0 {
				t.Errorf("nothing written to the data volume %s (%v): RIVVEN_DATA_DIR is not on the claim", claim, err)
			}

			// It stayed up throughout: never restarted, still running.
			st := pod.Status().ContainerStatuses[0]
			if st.RestartCount != 0 || st.State.Running == nil {
				t.Errorf("rivvend did not stay up: restarts %d, state %+v\n%s", st.RestartCount, st.State, pod.Logs(ctr.Name))
			}
		})
	}
}

func brokerContainer(t *testing.T, c *composed.Cluster) corev1.Container {
	t.Helper()
	for _, ctr := range c.StatefulSet.Spec.Template.Spec.Containers {
		if ctr.Name == "rivvend" {
			return ctr
		}
	}
	t.Fatal("no rivvend container composed")
	return corev1.Container{}
}

func waitReady(t *testing.T, pod *podrun.Pod, timeout time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := podrun.WaitFor(ctx, pod.Ready); err != nil {
		t.Fatalf("pod %s never turned ready by its readiness probe within %s: %+v\n%s", pod.Name(), timeout, pod.Status().ContainerStatuses, pod.Logs("rivvend"))
	}
}

func apiPort(t *testing.T, ctr corev1.Container) int {
	t.Helper()
	for _, p := range ctr.Ports {
		if p.Name == "http" {
			return int(p.ContainerPort)
		}
	}
	t.Fatal("no http port")
	return 0
}

// assertPlainHTTP checks the API port answers plain HTTP.
func assertPlainHTTP(t *testing.T, ip netip.Addr, port int) {
	t.Helper()
	if got := get(fmt.Sprintf("http://%s/health", netip.AddrPortFrom(ip, uint16(port))), ""); !strings.HasPrefix(got, "200 ") {
		t.Errorf("GET /health over plain HTTP: %s", got)
	}
}

// checkMetrics scrapes what the ServiceMonitor scrapes: its endpoint's
// Service port (on the Service its selector picks), the container port that
// targets, its path and scheme. Without a composed ServiceMonitor it scrapes
// the composed metrics path on the headless Service's API port, which is
// what a Prometheus scraping the pods would use.
func checkMetrics(t *testing.T, c *composed.Cluster, ctr corev1.Container, ip netip.Addr) {
	t.Helper()
	portName, path, scheme := "http", "/metrics", "http"
	if sm := c.ServiceMonitor; sm != nil {
		spec := sm["spec"].(map[string]any)
		ep := spec["endpoints"].([]any)[0].(map[string]any)
		portName, path = ep["port"].(string), ep["path"].(string)
		if s, ok := ep["scheme"].(string); ok {
			scheme = s
		}
		sel := spec["selector"].(map[string]any)["matchLabels"].(map[string]any)
		for k, v := range sel {
			if c.Headless.Labels[k] != v {
				t.Fatalf("the ServiceMonitor selects %s=%v, which the headless Service does not carry", k, v)
			}
		}
	}
	var target *intstr.IntOrString
	for _, p := range c.Headless.Spec.Ports {
		if p.Name == portName {
			target = &p.TargetPort
		}
	}
	if target == nil {
		t.Fatalf("the headless Service has no port %q", portName)
	}
	port, err := podrun.ResolvePort(*target, ctr)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}} //nolint:gosec // self-signed test certificate
	rsp, err := client.Get(fmt.Sprintf("%s://%s%s", scheme, netip.AddrPortFrom(ip, uint16(port)), path))
	if err != nil {
		t.Fatalf("scraping metrics: %v", err)
	}
	defer rsp.Body.Close()
	body, _ := io.ReadAll(rsp.Body)
	if rsp.StatusCode != http.StatusOK || !strings.Contains(string(body), "# TYPE ") {
		t.Fatalf("metrics endpoint %s answered %d, not Prometheus text:\n%.300s", path, rsp.StatusCode, body)
	}
}

// checkTopicsWithCLI creates, lists and describes a topic with the real
// rivven CLI on the client port.
func checkTopicsWithCLI(t *testing.T, ip string) {
	t.Helper()
	server := net.JoinHostPort(ip, "9092")
	out := runCLI(t, "topic", "create", "tier-check", "--partitions", "4", "--server", server)
	if !strings.Contains(out, "tier-check") {
		t.Errorf("topic create printed %q", out)
	}
	if out := runCLI(t, "topic", "list", "--server", server); !strings.Contains(out, "tier-check") {
		t.Errorf("topic list does not show the topic:\n%s", out)
	}
	if out := runCLI(t, "topic", "info", "tier-check", "--server", server); !strings.Contains(out, "Partitions: 4") {
		t.Errorf("topic info does not show 4 partitions:\n%s", out)
	}
}

func runCLI(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, cli(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("rivven %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}
