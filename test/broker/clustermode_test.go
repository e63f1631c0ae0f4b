package broker

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// clusterModeExit is the line every cluster-mode broker of the supported
// releases prints before it exits with code 1. When a release fixes it this
// test fails: lift the spec.replicas Warning (commonv1alpha1.
// ClusterModeFailure) and automate Raft membership.
const clusterModeExit = "Error: Failed to start Raft node: raft storage error: Failed to create log store: " +
	"raft storage error: Failed to open redb: I/O error: Is a directory (os error 21)"

// TestClusterModeProduction starts the three brokers of the seed's
// production example as composed, each in its own pod network namespace,
// and asserts what rivvend really does in cluster mode: every broker exits 1
// at startup, so no pod ever turns ready, /health never answers, and the
// pods crash-loop with the exit code Kubernetes would report. The function
// says exactly that in its spec.replicas Warning.
func TestClusterModeProduction(t *testing.T) {
	t.Parallel()
	xr := map[string]any{}
	if err := yaml.Unmarshal([]byte(readExample(t, "cluster/production.yaml")), &xr); err != nil {
		t.Fatal(err)
	}
	// The seed asks for 0.0.1, which was never published (crate registry
	// or image): run the pods with each tested release instead. The
	// function warns about 0.0.1 (functions/cluster TestSeedExample).
	for _, version := range commonv1alpha1.SupportedRivvenVersions {
		t.Run(version, func(t *testing.T) {
			xr["spec"].(map[string]any)["version"] = version
			b, _ := yaml.Marshal(xr)
			c := compose(t, string(b))
			if w := strings.Join(composed.Warnings(c.Results), "\n"); !strings.Contains(w, "spec.replicas") || !strings.Contains(w, "Is a directory (os error 21)") {
				t.Errorf("no spec.replicas Warning with the observed failure:\n%s", w)
			}

			objs := composed.EmptyObjects()
			ns := c.StatefulSet.Namespace
			objs.Secrets["rivven-tls"] = tlsSecret(t, "rivven-tls", ns, []string{c.Client.Name + "." + ns + ".svc"}, nil)
			var pods []*podrun.Pod
			for i := range int(*c.StatefulSet.Spec.Replicas) {
				p, err := podrun.Start(network(t), c.BrokerPod(i, t.TempDir(), objs, resolveImage))
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(p.Stop)
				pods = append(pods, p)
			}

			// Every broker has exited and been restarted at least once
			// (the kubelet's view: restarts, last state exit code 1).
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			for _, p := range pods {
				err := podrun.WaitFor(ctx, func() bool {
					cs := p.Status().ContainerStatuses[0]
					return cs.RestartCount >= 2
				})
				cs := p.Status().ContainerStatuses[0]
				if err != nil {
					t.Fatalf("%s did not crash-loop within 60s: %+v\n%s", p.Name(), cs, tail(p.Logs("rivvend")))
				}
				last := cs.LastTerminationState.Terminated
				if last == nil || last.ExitCode != 1 {
					t.Errorf("%s: last termination %+v, want exit code 1", p.Name(), last)
				}
				if p.Ready() {
					t.Errorf("%s is ready", p.Name())
				}
				if logs := p.Logs("rivvend"); !strings.Contains(logs, clusterModeExit) {
					t.Errorf("%s did not exit with the known error; rivvend changed:\n%s", p.Name(), tail(logs))
				}
				// Nothing serves /health: the API port never opens.
				if got := get(fmt.Sprintf("https://%s:9094/health", p.IP()), ""); !strings.Contains(got, "connection refused") {
					t.Errorf("%s /health: %s", p.Name(), got)
				}
				t.Logf("%s: %d restarts, last exit code %d, %s", p.Name(), cs.RestartCount, last.ExitCode, clusterModeExit)
			}
		})
	}
}

// get is one GET with an optional bearer token: the status and body, or the
// error.
func get(url, token string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rsp, err := insecureClient.Do(req)
	if err != nil {
		return "error: " + err.Error()
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	return fmt.Sprintf("%d %s", rsp.StatusCode, strings.TrimSpace(string(b)))
}

// tail is the end of a log, for failure messages.
func tail(s string) string {
	if len(s) > 3000 {
		return "…" + s[len(s)-3000:]
	}
	return s
}
