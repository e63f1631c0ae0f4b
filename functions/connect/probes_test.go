package connect

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// TestProbes: liveness is GET /live on the health port (the process
// serves); readiness runs rivven-connect check in the container, because
// the binary's /health and /ready answer 503 whatever the pipeline does.
// The health server runs exactly when the liveness probe needs it.
func TestProbes(t *testing.T) {
	live := func(period int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/live", Port: intstr.FromString("health")}},
			InitialDelaySeconds: 10, PeriodSeconds: period, TimeoutSeconds: 5, FailureThreshold: 3,
		}
	}
	ready := func(period, timeout int32) *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"/app", "-c", "/config/pipeline.yaml", "check"}}},
			InitialDelaySeconds: 5, PeriodSeconds: period, TimeoutSeconds: timeout, FailureThreshold: 3,
		}
	}
	cases := map[string]struct {
		spec       map[string]any
		wantLive   *corev1.Probe
		wantReady  *corev1.Probe
		wantHealth bool
	}{
		"Defaults": {
			wantLive: live(10), wantReady: ready(10, 10), wantHealth: true,
		},
		"ReadinessTiming": {
			spec:     map[string]any{"readinessProbe": map[string]any{"periodSeconds": 2, "timeoutSeconds": 7}},
			wantLive: live(10), wantReady: ready(2, 7), wantHealth: true,
		},
		"ReadinessOff": {
			spec:     map[string]any{"readinessProbe": map[string]any{"enabled": false}},
			wantLive: live(10), wantHealth: true,
		},
		"LivenessOffNeedsNoHealthServer": {
			spec:      map[string]any{"livenessProbe": map[string]any{"enabled": false}},
			wantReady: ready(10, 10),
		},
		"LivenessOffHealthAsked": {
			spec: map[string]any{"livenessProbe": map[string]any{"enabled": false},
				"settings": map[string]any{"health": map[string]any{"enabled": true}}},
			wantReady: ready(10, 10), wantHealth: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xr := readExample(t, "datagen-stdout.yaml")
			spec := xr["spec"].(map[string]any)
			for k, v := range tc.spec {
				spec[k] = v
			}
			rsp := run(t, newRequest(t, xr, withCluster(t, cluster("default", true, false))))
			if msg := fatal(rsp); msg != "" {
				t.Fatalf("fatal: %s", msg)
			}
			main := decode[appsv1.Deployment](t, rsp, ResourceDeployment).Spec.Template.Spec.Containers[0]
			if diff := cmp.Diff(tc.wantLive, main.LivenessProbe); diff != "" {
				t.Errorf("liveness (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantReady, main.ReadinessProbe); diff != "" {
				t.Errorf("readiness (-want +got):\n%s", diff)
			}
			file := decode[corev1.ConfigMap](t, rsp, ResourceConfigMap).Data["pipeline.yaml"]
			health := strings.Contains(file, "health:\n    enabled: true")
			port := len(main.Ports) > 0 && main.Ports[0].Name == "health"
			if health != tc.wantHealth || port != tc.wantHealth {
				t.Errorf("health server in the file %v, health port %v; want %v:\n%s", health, port, tc.wantHealth, file)
			}
		})
	}
}
