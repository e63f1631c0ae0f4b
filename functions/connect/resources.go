package connect

import (
	"fmt"
	"slices"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/connect/pipeline"
	"github.com/rivven/crossplane-rivven/functions/internal/applabels"
	"github.com/rivven/crossplane-rivven/functions/internal/confighash"
	"github.com/rivven/crossplane-rivven/functions/internal/podsecurity"
	"github.com/rivven/crossplane-rivven/functions/internal/probes"
	"github.com/rivven/crossplane-rivven/functions/internal/scheduling"
	"github.com/rivven/crossplane-rivven/functions/internal/servicemonitor"
)

// Names of the composed resources, as Crossplane tracks them.
const (
	ResourceConfigMap      = "configmap"
	ResourceDeployment     = "deployment"
	ResourceService        = "service"
	ResourceServiceMonitor = "servicemonitor"
)

// Fixed layout of the pod.
const (
	configKey       = "pipeline.yaml"
	configMountDir  = "/config"
	configPath      = configMountDir + "/" + configKey
	containerName   = "connect"
	portNameHealth  = "health"
	portNameMetrics = "metrics"
	livePath        = "/live"
	// binaryPath is the rivven-connect binary in its image (the image is
	// FROM scratch with the binary as /app, its entrypoint; there is no
	// shell), which an exec probe must name.
	binaryPath     = "/app"
	defaultImage   = "ghcr.io/hupe1980/rivven-connect"
	defaultVersion = commonv1alpha1.DefaultRivvenVersion
)

// Objects are the desired composed resources of one RivvenConnect.
type Objects struct {
	ConfigMap      *corev1.ConfigMap
	Deployment     *appsv1.Deployment
	Service        *corev1.Service // nil when no port is served
	ServiceMonitor map[string]any  // nil unless asked for
	ConfigHash     string
}

// params is what the builders need besides the spec.
type params struct {
	name, namespace string
	spec            *v1alpha1.RivvenConnectSpec
	pipe            pipeline.Result
	tlsSecret       string
}

// WorkloadName is the name of the Deployment and Service.
func WorkloadName(xr string) string { return "rivven-connect-" + xr }

// ConfigMapName is the name of the pipeline ConfigMap.
func ConfigMapName(xr string) string { return WorkloadName(xr) + "-config" }

// selectorLabels select the worker pods. A Deployment selector is
// immutable, so these must never change.
func selectorLabels(xr string) map[string]string {
	return map[string]string{
		applabels.Name:     "rivven-connect",
		applabels.Instance: xr,
	}
}

// commonLabels go on every composed object.
func commonLabels(xr string) map[string]string {
	return applabels.Common(selectorLabels(xr), "connect")
}

func probesEnabled(t *commonv1alpha1.PodTemplate) (live, ready bool) {
	return probes.Enabled(t.LivenessProbe), probes.Enabled(t.ReadinessProbe)
}

// buildObjects composes every object from the rendered pipeline.
func buildObjects(p params) (Objects, error) {
	file := string(p.pipe.File)
	hash := confighash.Of(map[string]string{configKey: file})
	out := Objects{ConfigHash: hash}
	lbl := commonLabels(p.name)

	out.ConfigMap = &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: ConfigMapName(p.name), Namespace: p.namespace, Labels: lbl},
		Data:       map[string]string{configKey: file},
	}
	d, err := deployment(p, hash)
	if err != nil {
		return Objects{}, err
	}
	out.Deployment = d
	out.Service = service(p)
	if sm := p.spec.ServiceMonitor; sm != nil && sm.Enabled && out.Service != nil {
		out.ServiceMonitor = serviceMonitor(p, sm)
	}
	return out, nil
}

func image(spec *v1alpha1.RivvenConnectSpec) string {
	img, ver := spec.Image, spec.Version
	if img == "" {
		img = defaultImage
	}
	if ver == "" {
		ver = defaultVersion
	}
	return img + ":" + ver
}

// envAndVolumes exposes the connector Secrets and the TLS Secret: every
// key through envFrom with the connector's prefix, each key the file needs
// without a default once more through secretKeyRef (a missing key then
// stops the pod with Kubernetes' own message instead of an empty value),
// and each Secret as a read-only volume for file credentials.
func envAndVolumes(p params) ([]corev1.EnvVar, []corev1.EnvFromSource, []corev1.Volume, []corev1.VolumeMount) {
	var env []corev1.EnvVar
	var envFrom []corev1.EnvFromSource
	ro := int32(0o440)
	vols := []corev1.Volume{
		{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: ConfigMapName(p.name)},
			DefaultMode:          &ro,
		}}},
		{Name: "data", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
		{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	mounts := []corev1.VolumeMount{
		{Name: "config", MountPath: configMountDir, ReadOnly: true},
		// rivven-connect resolves relative state paths against /, and the
		// root filesystem is read-only.
		{Name: "data", MountPath: "/data"},
		{Name: "tmp", MountPath: "/tmp"},
	}
	if p.tlsSecret != "" {
		vols = append(vols, corev1.Volume{Name: "broker-tls", VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: p.tlsSecret, DefaultMode: &ro,
		}}})
		mounts = append(mounts, corev1.VolumeMount{Name: "broker-tls", MountPath: tlsMountDir, ReadOnly: true})
	}
	for _, s := range p.pipe.Secrets {
		kind := "source"
		if s.Sink {
			kind = "sink"
		}
		// Named by position in spec.sources or spec.sinks: connector names
		// may be too long for a volume name once prefixed.
		vol := fmt.Sprintf("%s-%d-secret", kind, s.Index)
		envFrom = append(envFrom, corev1.EnvFromSource{
			Prefix:    s.Prefix,
			SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: s.SecretName}},
		})
		for _, k := range s.RequiredKeys {
			env = append(env, corev1.EnvVar{Name: s.Prefix + k, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: s.SecretName},
				Key:                  k,
			}}})
		}
		vols = append(vols, corev1.Volume{Name: vol, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName: s.SecretName, DefaultMode: &ro,
		}}})
		mounts = append(mounts, corev1.VolumeMount{Name: vol, MountPath: s.MountDir, ReadOnly: true})
	}
	return env, envFrom, vols, mounts
}

// liveProbe is an HTTP GET of /live on the health port, with the timing
// of the user's settings over the given initial delay.
func liveProbe(s *commonv1alpha1.ProbeSettings, initialDelay int32) *corev1.Probe {
	return probes.Tuned(s, corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: livePath, Port: intstr.FromString(portNameHealth)}},
		corev1.Probe{InitialDelaySeconds: initialDelay, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3})
}

// readyProbe runs rivven-connect's own check in the container: it loads the
// same pipeline file, connects to the brokers (failing after 5 s) and checks
// the connectors it knows how to check (postgres-cdc connects to
// PostgreSQL, http-webhook sends a HEAD request), exiting non-zero when any
// fails. The HTTP endpoints cannot serve: /health and /ready answer 503
// whatever the pipeline does (rivven-connect 0.0.22 never marks the broker
// connected or a connector running), so a Deployment gated on them would
// never be available, and /live says only that the process serves. The
// timeout leaves the broker check its 5 s.
func readyProbe(s *commonv1alpha1.ProbeSettings) *corev1.Probe {
	return probes.Tuned(s, corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{binaryPath, "-c", configPath, "check"}}},
		corev1.Probe{InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 10, FailureThreshold: 3})
}

func deployment(p params, hash string) (*appsv1.Deployment, error) {
	spec := p.spec
	podSC, err := podsecurity.MergePod(spec.SecurityContext)
	if err != nil {
		return nil, err
	}
	ctrSC, err := podsecurity.MergeContainer(spec.ContainerSecurityContext)
	if err != nil {
		return nil, err
	}
	env, envFrom, vols, mounts := envAndVolumes(p)
	img := image(spec)

	var ports []corev1.ContainerPort
	if p.pipe.HealthEnabled {
		ports = append(ports, corev1.ContainerPort{Name: portNameHealth, ContainerPort: p.pipe.HealthPort, Protocol: corev1.ProtocolTCP})
	}
	if p.pipe.MetricsEnabled {
		ports = append(ports, corev1.ContainerPort{Name: portNameMetrics, ContainerPort: p.pipe.MetricsPort, Protocol: corev1.ProtocolTCP})
	}
	main := corev1.Container{
		Name:            containerName,
		Image:           img,
		ImagePullPolicy: spec.ImagePullPolicy,
		// The option must precede the subcommand (FACTS §1.1).
		Args:            []string{"-c", configPath, "run"},
		Ports:           ports,
		Env:             env,
		EnvFrom:         envFrom,
		VolumeMounts:    mounts,
		SecurityContext: ctrSC,
	}
	if spec.Resources != nil {
		main.Resources = *spec.Resources
	}
	// Liveness: /live, which tells a serving process from a dead one and
	// nothing more, so a worker is restarted only when it hangs. Readiness:
	// rivven-connect check (readyProbe).
	main.LivenessProbe = liveProbe(spec.LivenessProbe, 10)
	main.ReadinessProbe = readyProbe(spec.ReadinessProbe)
	validate := corev1.Container{
		Name:            "validate",
		Image:           img,
		ImagePullPolicy: spec.ImagePullPolicy,
		Args:            []string{"-c", configPath, "validate"},
		Env:             env,
		EnvFrom:         envFrom,
		VolumeMounts:    mounts,
		SecurityContext: ctrSC,
	}
	if spec.Resources != nil {
		validate.Resources = *spec.Resources
	}

	podLabels := applabels.Merge(spec.PodLabels, commonLabels(p.name))
	podAnn := applabels.Merge(spec.PodAnnotations, map[string]string{confighash.Annotation: hash})
	replicas := int32(1)
	if spec.Replicas != nil {
		replicas = *spec.Replicas
	}
	// A rolling update runs the new pod beside the old one; with a CDC
	// source both would read one replication slot at once (PostgreSQL
	// refuses the second reader, MySQL sends both the binlog). Recreate
	// stops the old pod first.
	strategy := appsv1.DeploymentStrategy{}
	if p.pipe.EnabledCDCSources > 0 {
		strategy.Type = appsv1.RecreateDeploymentStrategyType
	}
	f := false
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: metav1.ObjectMeta{Name: WorkloadName(p.name), Namespace: p.namespace, Labels: commonLabels(p.name)},
		Spec: appsv1.DeploymentSpec{
			Replicas: &replicas,
			Strategy: strategy,
			Selector: &metav1.LabelSelector{MatchLabels: selectorLabels(p.name)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: podAnn},
				Spec: corev1.PodSpec{
					InitContainers:                []corev1.Container{validate},
					Containers:                    []corev1.Container{main},
					Volumes:                       vols,
					SecurityContext:               podSC,
					AutomountServiceAccountToken:  &f,
					ServiceAccountName:            spec.ServiceAccountName,
					ImagePullSecrets:              slices.Clone(spec.ImagePullSecrets),
					NodeSelector:                  spec.NodeSelector,
					Tolerations:                   spec.Tolerations,
					Affinity:                      scheduling.Affinity(spec.Affinity, selectorLabels(p.name)),
					TopologySpreadConstraints:     spec.TopologySpreadConstraints,
					PriorityClassName:             spec.PriorityClassName,
					TerminationGracePeriodSeconds: spec.TerminationGracePeriodSeconds,
				},
			},
		},
	}, nil
}

// service exposes the health and metrics ports; nil when neither runs.
func service(p params) *corev1.Service {
	var ports []corev1.ServicePort
	if p.pipe.HealthEnabled {
		ports = append(ports, corev1.ServicePort{Name: portNameHealth, Port: p.pipe.HealthPort, TargetPort: intstr.FromString(portNameHealth), Protocol: corev1.ProtocolTCP})
	}
	if p.pipe.MetricsEnabled {
		ports = append(ports, corev1.ServicePort{Name: portNameMetrics, Port: p.pipe.MetricsPort, TargetPort: intstr.FromString(portNameMetrics), Protocol: corev1.ProtocolTCP})
	}
	if len(ports) == 0 {
		return nil
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: WorkloadName(p.name), Namespace: p.namespace, Labels: commonLabels(p.name)},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeClusterIP,
			Selector: selectorLabels(p.name),
			Ports:    ports,
		},
	}
}

// serviceMonitor scrapes rivven-connect's /metrics on the metrics port of
// the Service.
func serviceMonitor(p params, sm *commonv1alpha1.ServiceMonitorSpec) map[string]any {
	return servicemonitor.Object(WorkloadName(p.name), p.namespace, commonLabels(p.name), commonLabels(p.name), sm,
		servicemonitor.Endpoint{Port: portNameMetrics, Path: "/metrics"})
}
