package cluster

import (
	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// serviceMonitor scrapes rivvend's real metrics endpoint, GET /metrics on the
// API port 9094, through the headless Service so that every broker is
// scraped, including brokers not yet ready. Built as a map because the
// Prometheus Operator's Go types are not a dependency worth taking.
func serviceMonitor(name, ns string, s clusterv1alpha1.RivvenClusterSpec) map[string]any {
	labels := map[string]any{}
	for k, v := range s.ServiceMonitor.Labels {
		labels[k] = v
	}
	for k, v := range commonLabels(name) {
		labels[k] = v
	}
	sel := map[string]any{}
	for k, v := range selectorLabels(name) {
		sel[k] = v
	}
	sel[LabelService] = "headless"

	ep := map[string]any{"port": PortNameAPI, "path": MetricsPath, "interval": s.ServiceMonitor.Interval}
	if t := s.ServiceMonitor.ScrapeTimeout; t != "" {
		ep["scrapeTimeout"] = t
	}
	if apiTLS(s) {
		ep["scheme"] = "https"
		ep["tlsConfig"] = map[string]any{
			"ca":         map[string]any{"secret": map[string]any{"name": s.TLS.CertSecretName, "key": "ca.crt"}},
			"serverName": clientHost(name, ns),
		}
	}
	return map[string]any{
		"apiVersion": "monitoring.coreos.com/v1",
		"kind":       "ServiceMonitor",
		"metadata":   map[string]any{"name": serviceMonitorName(name), "namespace": ns, "labels": labels},
		"spec": map[string]any{
			"selector":  map[string]any{"matchLabels": sel},
			"endpoints": []any{ep},
		},
	}
}
