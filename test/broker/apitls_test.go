package broker

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// apiTLSPanic is what the tested releases print when they start their HTTP
// API with TLS. When a release fixes it this test fails: drop the release
// from commonv1alpha1.APITLSFailure, and the function composes spec.tls.
const apiTLSPanic = "Could not automatically determine the process-level CryptoProvider from Rustls crate features."

// clientPortPlaintext is how rivvend reports its client listener when it
// has no TLS to offer. When a release serves TLS there, lift
// commonv1alpha1.ClientPortServesTLS.
const clientPortPlaintext = "Server listening on 0.0.0.0:9092 (mode: plaintext)"

// TestAPITLSFailure proves the spec.tls.enabled Warning true: it composes
// spec.tls as the function does for a release not known to fail (an
// untested tag), runs that pod on each tested rivvend with a Secret of only
// tls.crt and tls.key, and sees the API task panic: port 9094 never listens,
// the pod never turns ready, and the liveness probe restarts it.
func TestAPITLSFailure(t *testing.T) {
	t.Parallel()
	for _, version := range commonv1alpha1.SupportedRivvenVersions {
		t.Run(version, func(t *testing.T) {
			t.Parallel()
			xr := map[string]any{}
			if err := yaml.Unmarshal([]byte(readExample(t, "cluster/standalone-tls.yaml")), &xr); err != nil {
				t.Fatal(err)
			}
			const untested = "0.0.999-tls-as-composed"
			xr["spec"].(map[string]any)["version"] = untested
			b, _ := yaml.Marshal(xr)
			c := compose(t, string(b))
			if c.ConfigMap.Data["RIVVEN_TLS_ENABLED"] != "true" {
				t.Fatalf("the function composed no TLS for an untested release: %v", c.ConfigMap.Data)
			}
			objs := composed.EmptyObjects()
			ns := c.StatefulSet.Namespace
			objs.Secrets["rivven-tls"] = tlsSecret(t, "rivven-tls", ns, []string{c.Client.Name + "." + ns + ".svc"}, nil)
			cfg := c.BrokerPod(0, t.TempDir(), objs, resolveImage)
			cfg.Resolve = func(image string) (string, error) {
				return rivvenbin.Resolve(strings.Replace(image, ":"+untested, ":"+version, 1))
			}
			pod, err := podrun.Start(network(t), cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(pod.Stop)

			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			if err := podrun.WaitFor(ctx, func() bool { return strings.Contains(pod.Logs("rivvend"), apiTLSPanic) }); err != nil {
				t.Fatalf("rivvend %s did not panic starting API TLS; it may work now:\n%s", version, tail(pod.Logs("rivvend")))
			}
			// TLS asked for, the client port serves plaintext: the
			// released build has no tls feature.
			if logs := pod.Logs("rivvend"); !strings.Contains(logs, clientPortPlaintext) {
				t.Errorf("rivvend %s did not log %q with RIVVEN_TLS_ENABLED=true; the client port may serve TLS now:\n%s", version, clientPortPlaintext, tail(logs))
			}
			// The client port serves, the API port never listens.
			if _, err := net.DialTimeout("tcp", net.JoinHostPort(pod.IP(), "9092"), 5*time.Second); err != nil {
				t.Errorf("client port: %v", err)
			}
			if got := get(fmt.Sprintf("https://%s:9094/health", pod.IP()), ""); !strings.Contains(got, "connection refused") {
				t.Errorf("API port after the panic: %s", got)
			}
			// The liveness probe (TCP on 9094) restarts it, as a kubelet would.
			if err := podrun.WaitFor(ctx, func() bool { return pod.Status().ContainerStatuses[0].RestartCount >= 1 }); err != nil {
				t.Errorf("never restarted by its liveness probe: %+v", pod.Status().ContainerStatuses[0])
			}
			if pod.Ready() {
				t.Error("the pod is ready")
			}
		})
	}
}
