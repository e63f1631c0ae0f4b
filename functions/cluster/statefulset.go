package cluster

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/applabels"
	"github.com/rivven/crossplane-rivven/functions/internal/confighash"
	"github.com/rivven/crossplane-rivven/functions/internal/podsecurity"
	"github.com/rivven/crossplane-rivven/functions/internal/probes"
	"github.com/rivven/crossplane-rivven/functions/internal/scheduling"
)

const (
	volumeData = "data"
	volumeTLS  = "tls"
	volumeTmp  = "tmp"
	container  = "rivvend"
)

// statefulSet builds the broker StatefulSet. configHash is the hash of the
// broker ConfigMap; it is the only input that varies with broker settings, so
// a settings change rolls the pods and nothing else does.
func statefulSet(name, ns string, s clusterv1alpha1.RivvenClusterSpec, configHash string) (*appsv1.StatefulSet, error) {
	podSC, err := podsecurity.MergePod(s.SecurityContext)
	if err != nil {
		return nil, fmt.Errorf("spec.securityContext: %w", err)
	}
	ctrSC, err := podsecurity.MergeContainer(s.ContainerSecurityContext)
	if err != nil {
		return nil, fmt.Errorf("spec.containerSecurityContext: %w", err)
	}

	podLabels := applabels.Merge(s.PodLabels, commonLabels(name))
	podAnnotations := applabels.Merge(s.PodAnnotations, map[string]string{confighash.Annotation: configHash})
	grace := ptr.To[int64](TerminationGrace)
	if s.TerminationGracePeriodSeconds != nil {
		grace = s.TerminationGracePeriodSeconds
	}

	volumes := []corev1.Volume{
		// The root filesystem is read-only; give anything that insists on
		// a scratch directory a writable one.
		{Name: volumeTmp, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	mounts := []corev1.VolumeMount{
		{Name: volumeData, MountPath: DataDir},
		{Name: volumeTmp, MountPath: TmpDir},
	}
	if apiTLS(s) {
		volumes = append(volumes, corev1.Volume{Name: volumeTLS, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
			SecretName:  s.TLS.CertSecretName,
			DefaultMode: ptr.To[int32](0o440),
		}}})
		mounts = append(mounts, corev1.VolumeMount{Name: volumeTLS, MountPath: TLSDir, ReadOnly: true})
	}

	ctr := corev1.Container{
		Name:  container,
		Image: s.Image + ":" + s.Version,
		// No command or args: the image's entrypoint is the rivvend binary
		// (/app), and rivvend reads all its settings from the environment.
		ImagePullPolicy: s.ImagePullPolicy,
		Ports:           containerPorts(s),
		EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: configMapName(name)},
		}}},
		Env:             podEnv(name),
		VolumeMounts:    mounts,
		LivenessProbe:   livenessProbe(s.LivenessProbe),
		ReadinessProbe:  readinessProbe(s.ReadinessProbe, apiTLS(s)),
		SecurityContext: ctrSC,
	}
	if s.Resources != nil {
		ctr.Resources = *s.Resources
	}

	pvc := corev1.PersistentVolumeClaim{
		ObjectMeta: metav1.ObjectMeta{Name: volumeData, Labels: selectorLabels(name)},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{Requests: corev1.ResourceList{
				corev1.ResourceStorage: *s.Storage.Size,
			}},
		},
	}
	if sc := s.Storage.StorageClassName; sc != "" {
		pvc.Spec.StorageClassName = &sc
	}

	return &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: metav1.ObjectMeta{Name: stsName(name), Namespace: ns, Labels: commonLabels(name)},
		Spec: appsv1.StatefulSetSpec{
			Replicas:    s.Replicas,
			ServiceName: headlessServiceName(name),
			Selector:    &metav1.LabelSelector{MatchLabels: selectorLabels(name)},
			// Parallel: a broker is ready only once the Raft group has a
			// leader, which needs its peers running. OrderedReady would
			// hold broker 1 back until broker 0 is ready, which never
			// happens, so the cluster could never form.
			PodManagementPolicy: appsv1.ParallelPodManagement,
			UpdateStrategy:      appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: podLabels, Annotations: podAnnotations},
				Spec: corev1.PodSpec{
					Containers:                    []corev1.Container{ctr},
					Volumes:                       volumes,
					SecurityContext:               podSC,
					Affinity:                      scheduling.Affinity(s.Affinity, selectorLabels(name)),
					NodeSelector:                  s.NodeSelector,
					Tolerations:                   s.Tolerations,
					ImagePullSecrets:              s.ImagePullSecrets,
					TopologySpreadConstraints:     s.TopologySpreadConstraints,
					PriorityClassName:             s.PriorityClassName,
					ServiceAccountName:            s.ServiceAccountName,
					TerminationGracePeriodSeconds: grace,
					// rivvend never calls the Kubernetes API.
					AutomountServiceAccountToken: ptr.To(false),
					// Service links would inject RIVVEN_<SERVICE>_PORT
					// style variables into rivvend's environment
					// namespace; rivvend needs none of them.
					EnableServiceLinks: ptr.To(false),
				},
			},
			VolumeClaimTemplates: []corev1.PersistentVolumeClaim{pvc},
		},
	}, nil
}

// containerPorts are the listeners of rivvend. The cluster port carries SWIM
// over UDP and the cluster transport over TCP, so it is declared for both.
func containerPorts(s clusterv1alpha1.RivvenClusterSpec) []corev1.ContainerPort {
	ports := []corev1.ContainerPort{
		{Name: PortNameClient, ContainerPort: PortClient, Protocol: corev1.ProtocolTCP},
	}
	if clusterMode(s) {
		ports = append(ports,
			corev1.ContainerPort{Name: PortNameCluster, ContainerPort: PortCluster, Protocol: corev1.ProtocolTCP},
			corev1.ContainerPort{Name: PortNameSWIM, ContainerPort: PortCluster, Protocol: corev1.ProtocolUDP},
		)
	}
	return append(ports, corev1.ContainerPort{Name: PortNameAPI, ContainerPort: PortAPI, Protocol: corev1.ProtocolTCP})
}

// podEnv holds the per-pod settings that a shared ConfigMap cannot carry.
//
// No RIVVEN_ADVERTISE_ADDR: rivvend parses it (IP:port only) but nothing
// reads it; a broker's cluster identity is its node id.
func podEnv(name string) []corev1.EnvVar {
	return []corev1.EnvVar{
		// The pod name (rivven-{name}-N) is stable across restarts, so
		// the Raft node id derived from it is too.
		{Name: "RIVVEN_NODE_ID", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
		{Name: "RIVVEN_CLUSTER_AUTH_TOKEN", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: authSecretName(name)},
			Key:                  AuthKey,
		}}},
	}
}

// livenessProbe checks that rivvend's HTTP API accepts connections. It must
// not use /health: in cluster mode that answers 503 until the Raft group has
// a leader, so an HTTP liveness probe would restart brokers that are waiting
// for their peers or for the one-time bootstrap, and the cluster could never
// form.
func livenessProbe(p *commonv1alpha1.ProbeSettings) *corev1.Probe {
	return probes.Tuned(p, corev1.ProbeHandler{TCPSocket: &corev1.TCPSocketAction{Port: intstr.FromString(PortNameAPI)}},
		corev1.Probe{InitialDelaySeconds: 10, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 6})
}

// readinessProbe uses GET /health on the API port: 200 once the broker knows
// a Raft leader (always, in standalone mode). Only ready brokers receive
// client traffic; the headless Service publishes not-ready brokers so peers
// find each other before that. With TLS on, the API port serves HTTPS.
func readinessProbe(p *commonv1alpha1.ProbeSettings, tls bool) *corev1.Probe {
	scheme := corev1.URISchemeHTTP
	if tls {
		scheme = corev1.URISchemeHTTPS
	}
	return probes.Tuned(p, corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: HealthPath, Port: intstr.FromString(PortNameAPI), Scheme: scheme}},
		corev1.Probe{InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 5, FailureThreshold: 3})
}
