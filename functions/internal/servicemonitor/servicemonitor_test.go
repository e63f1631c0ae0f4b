package servicemonitor

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
)

func TestObject(t *testing.T) {
	ours := map[string]string{"app.kubernetes.io/name": "rivven", "team": "ours"}
	sel := map[string]string{"app.kubernetes.io/name": "rivven"}
	meta := func(labels map[string]any) map[string]any {
		return map[string]any{"name": "sm", "namespace": "ns", "labels": labels}
	}
	spec := func(ep map[string]any) map[string]any {
		return map[string]any{"selector": map[string]any{"matchLabels": map[string]any{"app.kubernetes.io/name": "rivven"}}, "endpoints": []any{ep}}
	}
	cases := map[string]struct {
		spec *commonv1alpha1.ServiceMonitorSpec
		ep   Endpoint
		want map[string]any
	}{
		"DefaultInterval": {
			spec: &commonv1alpha1.ServiceMonitorSpec{Enabled: true},
			ep:   Endpoint{Port: "metrics", Path: "/metrics"},
			want: map[string]any{"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
				"metadata": meta(map[string]any{"app.kubernetes.io/name": "rivven", "team": "ours"}),
				"spec":     spec(map[string]any{"port": "metrics", "path": "/metrics", "interval": "30s"})},
		},
		"UserTimingAndLabelsOursWin": {
			spec: &commonv1alpha1.ServiceMonitorSpec{Enabled: true, Interval: "15s", ScrapeTimeout: "10s", Labels: map[string]string{"release": "prom", "team": "theirs"}},
			ep:   Endpoint{Port: "http", Path: "/metrics"},
			want: map[string]any{"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
				"metadata": meta(map[string]any{"app.kubernetes.io/name": "rivven", "team": "ours", "release": "prom"}),
				"spec":     spec(map[string]any{"port": "http", "path": "/metrics", "interval": "15s", "scrapeTimeout": "10s"})},
		},
		"TLS": {
			spec: &commonv1alpha1.ServiceMonitorSpec{Enabled: true, Interval: "30s"},
			ep:   Endpoint{Port: "http", Path: "/metrics", TLS: map[string]any{"serverName": "x"}},
			want: map[string]any{"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
				"metadata": meta(map[string]any{"app.kubernetes.io/name": "rivven", "team": "ours"}),
				"spec":     spec(map[string]any{"port": "http", "path": "/metrics", "interval": "30s", "scheme": "https", "tlsConfig": map[string]any{"serverName": "x"}})},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Object("sm", "ns", ours, sel, tc.spec, tc.ep)); diff != "" {
				t.Errorf("Object (-want +got):\n%s", diff)
			}
		})
	}
}
