package cluster

import (
	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/applabels"
	"github.com/rivven/crossplane-rivven/functions/internal/servicemonitor"
)

// serviceMonitor scrapes rivvend's real metrics endpoint, GET /metrics on the
// API port 9094, through the headless Service so that every broker is
// scraped, including brokers not yet ready.
func serviceMonitor(name, ns string, s clusterv1alpha1.RivvenClusterSpec) map[string]any {
	sel := applabels.Merge(selectorLabels(name), map[string]string{LabelService: "headless"})
	ep := servicemonitor.Endpoint{Port: PortNameAPI, Path: MetricsPath}
	if apiTLS(s) {
		ep.TLS = map[string]any{
			"ca":         map[string]any{"secret": map[string]any{"name": s.TLS.CertSecretName, "key": "ca.crt"}},
			"serverName": clientHost(name, ns),
		}
	}
	return servicemonitor.Object(serviceMonitorName(name), ns, commonLabels(name), sel, s.ServiceMonitor, ep)
}
