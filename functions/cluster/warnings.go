package cluster

import (
	"fmt"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// unpublishedImage is the image the original operator defaulted to; the
// release workflow never publishes it.
const unpublishedImage = "ghcr.io/hupe1980/rivven"

// warning is a field the function accepts but cannot fully honour.
type warning struct {
	Field   string
	Message string
}

func (w warning) String() string { return w.Field + ": " + w.Message }

// warnings lists accepted settings that rivvend ignores or cannot honour, so
// the function never pretends to apply them.
func warnings(s clusterv1alpha1.RivvenClusterSpec) []warning {
	var out []warning
	if s.Config.LogRetentionHours != nil {
		out = append(out, warning{"spec.config.logRetentionHours",
			"rivvend has no log retention setting; the value is accepted but not applied"})
	}
	if p := s.Metrics.Port; p != nil && *p != PortAPI {
		out = append(out, warning{"spec.metrics.port", fmt.Sprintf(
			"rivvend serves Prometheus metrics at %s on its HTTP API port %d and nothing listens on %d; port %d is used instead",
			MetricsPath, PortAPI, *p, PortAPI)})
	}
	if s.Image == unpublishedImage {
		out = append(out, warning{"spec.image", fmt.Sprintf(
			"%s is not a published image; the broker image is %s", unpublishedImage, clusterv1alpha1.DefaultImage)})
	}
	if s.TLS.Enabled {
		out = append(out, warning{"spec.tls.enabled", fmt.Sprintf(
			"the HTTP API on port %d serves TLS; the client port %d serves TLS only if rivvend was built with its tls feature, "+
				"which the published release images are not", PortAPI, PortClient)})
	}
	return out
}
