package cluster

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// headlessService gives every broker a stable DNS name
// (rivven-{name}-N.rivven-{name}-headless.{ns}.svc) for SWIM seeds and Raft
// addresses. It publishes not-ready brokers: a broker only turns ready once
// the Raft group has a leader, which requires brokers to reach each other
// first.
func headlessService(name, ns string, s clusterv1alpha1.RivvenClusterSpec) *corev1.Service {
	labels := commonLabels(name)
	labels[LabelService] = "headless"
	ports := []corev1.ServicePort{servicePort(PortNameClient, PortClient, corev1.ProtocolTCP)}
	if clusterMode(s) {
		ports = append(ports,
			servicePort(PortNameCluster, PortCluster, corev1.ProtocolTCP),
			servicePort(PortNameSWIM, PortCluster, corev1.ProtocolUDP))
	}
	ports = append(ports, servicePort(PortNameAPI, PortAPI, corev1.ProtocolTCP))
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: headlessServiceName(name), Namespace: ns, Labels: labels},
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 selectorLabels(name),
			Ports:                    ports,
		},
	}
}

// clientService is the bootstrap address clients, rivven-connect and the
// provider use. It routes only to ready brokers and publishes the client port
// only: the HTTP API (health, metrics, the Raft and admin endpoints, some of
// them without authentication) stays on the headless Service, reachable
// inside the cluster and by the ServiceMonitor, and is never exposed by a
// LoadBalancer or NodePort client Service.
func clientService(name, ns string, s clusterv1alpha1.RivvenClusterSpec) *corev1.Service {
	labels := commonLabels(name)
	labels[LabelService] = "client"
	svc := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: clientServiceName(name), Namespace: ns, Labels: labels, Annotations: s.Service.Annotations},
		Spec: corev1.ServiceSpec{
			Selector: selectorLabels(name),
			Ports:    []corev1.ServicePort{servicePort(PortNameClient, PortClient, corev1.ProtocolTCP)},
		},
	}
	// ClusterIP is the API server's default; leave it unset so the
	// desired object carries no opinion it does not need.
	if s.Service.Type != corev1.ServiceTypeClusterIP {
		svc.Spec.Type = s.Service.Type
	}
	return svc
}

func servicePort(name string, port int32, proto corev1.Protocol) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Port: port, TargetPort: intstr.FromString(name), Protocol: proto}
}
