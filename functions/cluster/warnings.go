package cluster

import (
	"fmt"
	"strings"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
)

// unpublishedImage is the image the original operator defaulted to; the
// release workflow never publishes it.
const unpublishedImage = "ghcr.io/hupe1980/rivven"

// oneBroker is the way out of a cluster mode that cannot start. spec.replicas
// cannot change between 1 and more (admission refuses it), so it takes a new
// RivvenCluster.
const oneBroker = "create a RivvenCluster with one broker (spec.replicas: 1, standalone) instead"

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
	if !commonv1alpha1.IsSupportedRivvenVersion(s.Version) {
		out = append(out, warning{"spec.version", fmt.Sprintf(
			"%q is not a tested Rivven release (tested: %s); the broker pod is built for the tested releases' rivvend and may not suit it",
			s.Version, strings.Join(commonv1alpha1.SupportedRivvenVersions, ", "))})
	}
	if clusterMode(s) {
		if why := commonv1alpha1.ClusterModeFailure(s.Version); why != "" {
			out = append(out, warning{"spec.replicas", fmt.Sprintf(
				"%d brokers run rivvend %s in cluster mode, which does not work in that release: %s. The brokers are composed as asked "+
					"but will not become ready; "+oneBroker, *s.Replicas, s.Version, why)})
		} else if latest := commonv1alpha1.SupportedRivvenVersions[0]; !commonv1alpha1.IsSupportedRivvenVersion(s.Version) &&
			commonv1alpha1.ClusterModeFailure(latest) != "" {
			out = append(out, warning{"spec.replicas", fmt.Sprintf(
				"%d brokers run rivvend in cluster mode, which does not work in the newest tested release (%s: %s); "+oneBroker,
				*s.Replicas, latest, commonv1alpha1.ClusterModeFailure(latest))})
		}
	}
	if s.TLS.Enabled {
		if why := commonv1alpha1.APITLSFailure(s.Version); why != "" {
			out = append(out, warning{"spec.tls.enabled", fmt.Sprintf(
				"not applied: with TLS on, rivvend %s fails: %s. The brokers serve their HTTP API (port %d) without TLS instead; "+
					"their client port %d is plaintext in any case, because the released rivvend is built without its tls feature",
				s.Version, why, PortAPI, PortClient)})
		} else if !commonv1alpha1.ClientPortServesTLS(s.Version) {
			out = append(out, warning{"spec.tls.enabled", fmt.Sprintf(
				"applied to the HTTP API on port %d only: the client port %d stays plaintext, because the released rivvend is built "+
					"without its tls feature; the composed ProviderConfig and RivvenConnect pipelines connect to it without TLS", PortAPI, PortClient)})
		}
	}
	return out
}
