// Package servicemonitor builds the Prometheus Operator ServiceMonitor both
// functions compose. It is built as a map: the operator's Go types are not
// worth a dependency for one small object.
package servicemonitor

import (
	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/applabels"
)

// DefaultInterval is the scrape interval when the spec names none (the API
// defaults it too; crossplane render input may not have been defaulted).
const DefaultInterval = "30s"

// Endpoint is what to scrape on the selected Services: the function's
// knowledge of where the binary serves its metrics.
type Endpoint struct {
	// Port is the name of the Service port.
	Port string
	// Path of the metrics endpoint.
	Path string
	// TLS, when not nil, scrapes over HTTPS with this tlsConfig.
	TLS map[string]any
}

// Object is a ServiceMonitor named name in ns, labelled with the user's
// labels overlaid with the function's own (ours win), selecting the Services
// labelled selector, scraping ep with the user's interval and timeout.
func Object(name, ns string, labels, selector map[string]string, spec *commonv1alpha1.ServiceMonitorSpec, ep Endpoint) map[string]any {
	endpoint := map[string]any{"port": ep.Port, "path": ep.Path, "interval": DefaultInterval}
	var user map[string]string
	if spec != nil {
		user = spec.Labels
		if spec.Interval != "" {
			endpoint["interval"] = spec.Interval
		}
		if spec.ScrapeTimeout != "" {
			endpoint["scrapeTimeout"] = spec.ScrapeTimeout
		}
	}
	if ep.TLS != nil {
		endpoint["scheme"] = "https"
		endpoint["tlsConfig"] = ep.TLS
	}
	return map[string]any{
		"apiVersion": "monitoring.coreos.com/v1",
		"kind":       "ServiceMonitor",
		"metadata":   map[string]any{"name": name, "namespace": ns, "labels": toAny(applabels.Merge(user, labels))},
		"spec": map[string]any{
			"selector":  map[string]any{"matchLabels": toAny(selector)},
			"endpoints": []any{endpoint},
		},
	}
}

// toAny makes a label map unstructured content.
func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
