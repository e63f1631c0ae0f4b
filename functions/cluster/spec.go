package cluster

import (
	"encoding/json"
	"regexp"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/applabels"
	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
)

// decodeSpec reads the spec of an observed XR (as an unstructured map) into
// the Go type. Only the spec is decoded: the function reads nothing else,
// and status and metadata are a large part of a settled XR. Unknown fields,
// such as spec.crossplane, are ignored: Crossplane owns them.
func decodeSpec(obj map[string]any) (clusterv1alpha1.RivvenClusterSpec, error) {
	var spec clusterv1alpha1.RivvenClusterSpec
	b, err := json.Marshal(obj["spec"])
	if err != nil {
		return spec, fielderr.New("spec", "cannot encode the observed RivvenCluster: %v", err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		return spec, fielderr.New("spec", "cannot decode: %v", err)
	}
	return spec, nil
}

// withDefaults returns a copy of spec with every schema default applied. The
// API server applies the same defaults on admission, but an XR rendered with
// `crossplane render` never went through it, and the output must not differ.
func withDefaults(in clusterv1alpha1.RivvenClusterSpec) clusterv1alpha1.RivvenClusterSpec {
	s := *in.DeepCopy()
	if s.Replicas == nil {
		s.Replicas = ptr.To(clusterv1alpha1.DefaultReplicas)
	}
	if s.Version == "" {
		s.Version = clusterv1alpha1.DefaultVersion
	}
	if s.Image == "" {
		s.Image = clusterv1alpha1.DefaultImage
	}
	if s.Storage == nil {
		s.Storage = &clusterv1alpha1.StorageSpec{}
	}
	if s.Storage.Size == nil {
		s.Storage.Size = ptr.To(resource.MustParse(clusterv1alpha1.DefaultStorageSize))
	}
	if s.Config == nil {
		s.Config = &clusterv1alpha1.BrokerConfig{}
	}
	c := s.Config
	if c.DefaultPartitions == nil {
		c.DefaultPartitions = ptr.To(clusterv1alpha1.DefaultPartitions)
	}
	if c.LogLevel == "" {
		c.LogLevel = clusterv1alpha1.DefaultLogLevel
	}
	if c.RequireClientAuth == nil {
		c.RequireClientAuth = ptr.To(false)
	}
	if r := c.Raft; r != nil {
		if r.HeartbeatMs == 0 {
			r.HeartbeatMs = clusterv1alpha1.DefaultRaftHeartbeatMs
		}
		if r.ElectionMinMs == 0 {
			r.ElectionMinMs = clusterv1alpha1.DefaultRaftElectionMinMs
		}
		if r.ElectionMaxMs == 0 {
			r.ElectionMaxMs = clusterv1alpha1.DefaultRaftElectionMaxMs
		}
	}
	if s.TLS == nil {
		s.TLS = &clusterv1alpha1.TLSSpec{}
	}
	if s.Metrics == nil {
		s.Metrics = &clusterv1alpha1.MetricsSpec{}
	}
	if s.Metrics.Enabled == nil {
		s.Metrics.Enabled = ptr.To(true)
	}
	if s.PodDisruptionBudget == nil {
		s.PodDisruptionBudget = &clusterv1alpha1.PodDisruptionBudgetSpec{}
	}
	if s.PodDisruptionBudget.Enabled == nil {
		s.PodDisruptionBudget.Enabled = ptr.To(true)
	}
	if s.ServiceMonitor == nil {
		s.ServiceMonitor = &commonv1alpha1.ServiceMonitorSpec{}
	}
	if s.ServiceMonitor.Interval == "" {
		s.ServiceMonitor.Interval = "30s"
	}
	if s.Service == nil {
		s.Service = &clusterv1alpha1.ServiceSpec{}
	}
	if s.Service.Type == "" {
		s.Service.Type = clusterv1alpha1.DefaultServiceType
	}
	if s.ImagePullPolicy == "" {
		s.ImagePullPolicy = corev1.PullIfNotPresent
	}
	return s
}

// replicationFactor is the effective default replication factor: the spec's
// value, else min(replicas, 3) so a small cluster can still create topics.
func replicationFactor(s clusterv1alpha1.RivvenClusterSpec) int32 {
	if s.Config.DefaultReplicationFactor != nil {
		return *s.Config.DefaultReplicationFactor
	}
	return min(*s.Replicas, 3)
}

// minInsyncReplicas is the effective min ISR: the spec's value, else RF-1
// clamped to [1, 2], so one broker may be down without blocking writes.
// rivvend exits at startup if min ISR exceeds the replication factor, and
// its own default (2) does exactly that for RF 1.
func minInsyncReplicas(s clusterv1alpha1.RivvenClusterSpec) int32 {
	if s.Config.MinInsyncReplicas != nil {
		return *s.Config.MinInsyncReplicas
	}
	return max(1, min(2, replicationFactor(s)-1))
}

// apiTLS reports whether the brokers serve their HTTP API over TLS: when
// spec.tls.enabled asks for it and the release is not known to fail at it
// (commonv1alpha1.APITLSFailure; the function warns instead). A broker whose
// API never listens would fail its probes and restart forever.
func apiTLS(s clusterv1alpha1.RivvenClusterSpec) bool {
	return s.TLS.Enabled && commonv1alpha1.APITLSFailure(s.Version) == ""
}

// clusterMode reports whether rivvend runs as a Raft cluster. A single broker
// runs standalone: it is its own leader and needs no bootstrap.
func clusterMode(s clusterv1alpha1.RivvenClusterSpec) bool { return *s.Replicas > 1 }

var (
	versionRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// durationRE matches Prometheus durations such as 30s or 1m30s.
	durationRE = regexp.MustCompile(`^([0-9]+(ms|s|m|h))+$`)
)

// validate checks a defaulted spec for input the function cannot honour. It
// repeats the schema's rules because `crossplane render` never applies them;
// every error names the field.
func validate(s clusterv1alpha1.RivvenClusterSpec) error {
	var errs []*fielderr.Error
	add := func(e *fielderr.Error) { errs = append(errs, e) }

	if r := *s.Replicas; r < 1 || r > 99 {
		add(fielderr.New("spec.replicas", "must be between 1 and 99, got %d", r))
	}
	if !versionRE.MatchString(s.Version) {
		add(fielderr.New("spec.version", "%q is not a valid image tag", s.Version))
	}
	if strings.Contains(s.Image, "@") || strings.LastIndex(s.Image, ":") > strings.LastIndex(s.Image, "/") {
		add(fielderr.New("spec.image", "%q must be a repository without tag or digest; the tag comes from spec.version", s.Image))
	}
	if s.Storage.Size.Sign() <= 0 {
		add(fielderr.New("spec.storage.size", "must be greater than zero, got %s", s.Storage.Size.String()))
	}
	c := s.Config
	if p := *c.DefaultPartitions; p < 1 {
		add(fielderr.New("spec.config.defaultPartitions", "must be at least 1, got %d", p))
	}
	if rf := c.DefaultReplicationFactor; rf != nil && (*rf < 1 || *rf > *s.Replicas) {
		add(fielderr.New("spec.config.defaultReplicationFactor", "must be between 1 and spec.replicas (%d), got %d", *s.Replicas, *rf))
	}
	if isr := c.MinInsyncReplicas; isr != nil && (*isr < 1 || *isr > replicationFactor(s)) {
		add(fielderr.New("spec.config.minInsyncReplicas", "must be between 1 and the replication factor (%d), got %d; rivvend refuses to start otherwise", replicationFactor(s), *isr))
	}
	if q := c.MaxSegmentSize; q != nil && q.Sign() <= 0 {
		add(fielderr.New("spec.config.maxSegmentSize", "must be greater than zero, got %s", q.String()))
	}
	switch c.LogLevel {
	case "error", "warn", "info", "debug", "trace":
	default:
		add(fielderr.New("spec.config.logLevel", "must be one of error, warn, info, debug, trace, got %q", c.LogLevel))
	}
	if r := c.Raft; r != nil {
		if r.ElectionMinMs <= r.HeartbeatMs {
			add(fielderr.New("spec.config.raft.electionMinMs", "must be greater than spec.config.raft.heartbeatMs (%d), got %d", r.HeartbeatMs, r.ElectionMinMs))
		}
		if r.ElectionMaxMs < r.ElectionMinMs {
			add(fielderr.New("spec.config.raft.electionMaxMs", "must not be less than spec.config.raft.electionMinMs (%d), got %d", r.ElectionMinMs, r.ElectionMaxMs))
		}
	}
	if s.TLS.Enabled && s.TLS.CertSecretName == "" {
		add(fielderr.New("spec.tls.certSecretName", "is required when spec.tls.enabled is true"))
	}
	pdb := s.PodDisruptionBudget
	if pdb.MaxUnavailable != nil && pdb.MinAvailable != nil {
		add(fielderr.New("spec.podDisruptionBudget", "set at most one of maxUnavailable and minAvailable"))
	}
	add(validIntOrPercent("spec.podDisruptionBudget.maxUnavailable", pdb.MaxUnavailable))
	add(validIntOrPercent("spec.podDisruptionBudget.minAvailable", pdb.MinAvailable))
	if s.ServiceMonitor.Enabled && !*s.Metrics.Enabled {
		add(fielderr.New("spec.serviceMonitor.enabled", "requires spec.metrics.enabled"))
	}
	if !durationRE.MatchString(s.ServiceMonitor.Interval) {
		add(fielderr.New("spec.serviceMonitor.interval", "%q is not a duration such as 30s", s.ServiceMonitor.Interval))
	}
	if t := s.ServiceMonitor.ScrapeTimeout; t != "" && !durationRE.MatchString(t) {
		add(fielderr.New("spec.serviceMonitor.scrapeTimeout", "%q is not a duration such as 10s", t))
	}
	switch s.Service.Type {
	case corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer:
	default:
		add(fielderr.New("spec.service.type", "must be ClusterIP, NodePort or LoadBalancer, got %q", s.Service.Type))
	}
	switch s.ImagePullPolicy {
	case corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever:
	default:
		add(fielderr.New("spec.imagePullPolicy", "must be Always, IfNotPresent or Never, got %q", s.ImagePullPolicy))
	}
	for _, k := range []string{applabels.Name, applabels.Instance} {
		if _, ok := s.PodLabels[k]; ok {
			add(fielderr.New("spec.podLabels", "must not set %s: the workload selector owns it", k))
		}
	}
	return fielderr.Join(errs...)
}

// validIntOrPercent checks a PDB bound: a non-negative integer or a
// percentage such as "50%".
func validIntOrPercent(field string, v *intstr.IntOrString) *fielderr.Error {
	if v == nil {
		return nil
	}
	if v.Type == intstr.Int {
		if v.IntVal < 0 {
			return fielderr.New(field, "must not be negative, got %d", v.IntVal)
		}
		return nil
	}
	if _, err := intstr.GetScaledValueFromIntOrPercent(v, 100, true); err != nil || !strings.HasSuffix(v.StrVal, "%") {
		return fielderr.New(field, "must be an integer or a percentage such as 50%%, got %q", v.StrVal)
	}
	return nil
}
