package connect

import (
	"fmt"
	"net"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/connect/pipeline"
	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
)

// Reasons of the ClusterReady condition.
const (
	ReasonClusterReady    = "Available"
	ReasonClusterNotFound = "ClusterNotFound"
	ReasonClusterNotReady = "ClusterNotReady"
)

// Cluster is what the pipeline needs from the referenced RivvenCluster. It
// is read unstructured: the contract is a handful of fields, not the whole
// RivvenCluster API.
type Cluster struct {
	// Name and Namespace of the reference.
	Name, Namespace string
	// Found is false when the RivvenCluster does not exist.
	Found bool
	// Ready is true when Crossplane's Ready condition is True and the
	// cluster has published its bootstrap servers.
	Ready bool
	// Reason and Message explain a cluster that is not ready.
	Reason, Message string
	// BootstrapServers from status.bootstrapServers.
	BootstrapServers []string
	// TLSEnabled and CertSecretName from spec.tls.
	TLSEnabled     bool
	CertSecretName string
	// Version of rivvend the cluster runs (spec.version, defaulted).
	Version string
}

// clusterRef resolves the reference; the namespace defaults to the
// RivvenConnect's own.
func clusterRef(spec *v1alpha1.RivvenConnectSpec, xrNamespace string) (name, namespace string) {
	namespace = spec.ClusterRef.Namespace
	if namespace == "" {
		namespace = xrNamespace
	}
	return spec.ClusterRef.Name, namespace
}

// ReadCluster interprets the required resource; obj is nil when Crossplane
// found no such RivvenCluster.
func ReadCluster(name, namespace string, obj *unstructured.Unstructured) Cluster {
	c := Cluster{Name: name, Namespace: namespace}
	if obj == nil {
		c.Reason = ReasonClusterNotFound
		c.Message = fmt.Sprintf("RivvenCluster %s/%s does not exist; the pipeline is composed once it is Ready", namespace, name)
		return c
	}
	c.Found = true
	c.TLSEnabled, _, _ = unstructured.NestedBool(obj.Object, "spec", "tls", "enabled")
	c.CertSecretName, _, _ = unstructured.NestedString(obj.Object, "spec", "tls", "certSecretName")
	c.Version, _, _ = unstructured.NestedString(obj.Object, "spec", "version")
	if c.Version == "" {
		c.Version = commonv1alpha1.DefaultRivvenVersion
	}
	servers, _, _ := unstructured.NestedString(obj.Object, "status", "bootstrapServers")
	for _, s := range strings.Split(servers, ",") {
		if s = strings.TrimSpace(s); s != "" {
			c.BootstrapServers = append(c.BootstrapServers, s)
		}
	}
	status, reason, message := readyCondition(obj)
	phase, _, _ := unstructured.NestedString(obj.Object, "status", "phase")
	switch {
	case status != "True":
		c.Reason = ReasonClusterNotReady
		c.Message = fmt.Sprintf("RivvenCluster %s/%s is not Ready (phase %q, reason %q)", namespace, name, phase, reason)
		if message != "" {
			c.Message += ": " + message
		}
	case len(c.BootstrapServers) == 0:
		c.Reason = ReasonClusterNotReady
		c.Message = fmt.Sprintf("RivvenCluster %s/%s is Ready but has not published status.bootstrapServers", namespace, name)
	default:
		c.Ready = true
		c.Reason = ReasonClusterReady
		c.Message = fmt.Sprintf("RivvenCluster %s/%s is Ready at %s", namespace, name, strings.Join(c.BootstrapServers, ","))
	}
	return c
}

func readyCondition(obj *unstructured.Unstructured) (status, reason, message string) {
	conds, _, _ := unstructured.NestedSlice(obj.Object, "status", "conditions")
	for _, raw := range conds {
		m, ok := raw.(map[string]any)
		if !ok || m["type"] != "Ready" {
			continue
		}
		status, _ = m["status"].(string)
		reason, _ = m["reason"].(string)
		message, _ = m["message"].(string)
		return status, reason, message
	}
	return "Unknown", "NoReadyCondition", "no Ready condition yet"
}

// Paths of the broker TLS Secret inside the pod.
const (
	tlsMountDir = "/etc/rivven-connect/tls"
	tlsCAFile   = "ca.crt"
	tlsCertFile = "tls.crt"
	tlsKeyFile  = "tls.key"
)

// brokerTLS decides TLS towards the brokers: only when spec.tls asks for it
// and the cluster's client port serves TLS. A RivvenCluster's own
// spec.tls.enabled does not imply it, and neither does spec.tls here for a
// rivvend whose client port is plaintext (every supported release: their
// binaries lack rivvend's tls feature, so TLS covers the HTTP API only): a
// TLS client would never get a handshake there. It returns the Secret to
// mount ("" for none) and a warning when spec.tls is not applied.
func brokerTLS(spec *v1alpha1.ConnectTLSSpec, cl Cluster, xrNamespace string) (*pipeline.BrokerTLS, string, string, error) {
	if spec == nil || !spec.Enabled {
		return nil, "", "", nil
	}
	if spec.ClientAuth && spec.CertSecretName == "" && !(cl.TLSEnabled && cl.CertSecretName != "") {
		return nil, "", "", fielderr.New("spec.tls.clientAuth", "needs a Secret with tls.crt and tls.key: set spec.tls.certSecretName")
	}
	if !commonv1alpha1.ClientPortServesTLS(cl.Version) {
		return nil, "", fmt.Sprintf("spec.tls.enabled: not applied: the client port of RivvenCluster %s/%s (rivvend %s) serves plaintext, "+
			"because the released rivvend is built without its tls feature; the pipeline connects without TLS", cl.Namespace, cl.Name, cl.Version), nil
	}
	out := &pipeline.BrokerTLS{Insecure: spec.InsecureSkipVerify, ServerName: spec.ServerName}
	secret := spec.CertSecretName
	if secret == "" && cl.TLSEnabled && cl.CertSecretName != "" {
		if cl.Namespace != xrNamespace {
			return nil, "", "", fielderr.New("spec.tls.certSecretName", "is required: the RivvenCluster's certificate Secret %q lives in namespace %s and cannot be mounted in %s", cl.CertSecretName, cl.Namespace, xrNamespace)
		}
		secret = cl.CertSecretName
	}
	if spec.ClientAuth && secret == "" {
		return nil, "", "", fielderr.New("spec.tls.clientAuth", "needs a Secret with tls.crt and tls.key: set spec.tls.certSecretName")
	}
	if secret != "" {
		out.CAPath = tlsMountDir + "/" + tlsCAFile
		if spec.ClientAuth {
			out.CertPath = tlsMountDir + "/" + tlsCertFile
			out.KeyPath = tlsMountDir + "/" + tlsKeyFile
		}
	}
	if out.ServerName == "" && len(cl.BootstrapServers) > 0 {
		// rivven-connect verifies against "localhost" when no server name
		// is set, which no broker certificate names.
		if host, _, err := net.SplitHostPort(cl.BootstrapServers[0]); err == nil {
			out.ServerName = host
		}
	}
	return out, secret, "", nil
}
