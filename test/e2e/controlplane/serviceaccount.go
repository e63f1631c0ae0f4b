package controlplane

import (
	"context"
	"fmt"
	"path/filepath"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// serviceAccountTokenTTL outlives any run of the tier; make run's stack is
// stopped long before.
const serviceAccountTokenTTL = 24 * 60 * 60

// ServiceAccountUser is the user name the API server gives a
// ServiceAccount's tokens, as it appears in the audit log.
func ServiceAccountUser(namespace, name string) string {
	return "system:serviceaccount:" + namespace + ":" + name
}

// serviceAccountKubeconfig writes a kubeconfig that authenticates as the
// ServiceAccount with a token of the TokenRequest API, as a projected
// service account token in a pod would, and returns its path. The
// ServiceAccount must exist.
func (c *ControlPlane) serviceAccountKubeconfig(ctx context.Context, namespace, name string) (string, error) {
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: namespace, Name: name}, &corev1.ServiceAccount{}); err != nil {
		return "", fmt.Errorf("ServiceAccount %s/%s: %w", namespace, name, err)
	}
	cs, err := kubernetes.NewForConfig(c.Config)
	if err != nil {
		return "", err
	}
	ttl := int64(serviceAccountTokenTTL)
	tr, err := cs.CoreV1().ServiceAccounts(namespace).CreateToken(ctx, name, &authenticationv1.TokenRequest{
		Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &ttl},
	}, metav1.CreateOptions{})
	if err != nil {
		return "", fmt.Errorf("token of ServiceAccount %s/%s: %w", namespace, name, err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["rivven"] = &clientcmdapi.Cluster{Server: c.Config.Host, CertificateAuthorityData: c.CA.CertPEM}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	cfg.Contexts["rivven"] = &clientcmdapi.Context{Cluster: "rivven", AuthInfo: name, Namespace: namespace}
	cfg.CurrentContext = "rivven"
	path := filepath.Join(c.dir, "pki", "kubeconfig-"+namespace+"-"+name)
	return path, clientcmd.WriteToFile(*cfg, path)
}
