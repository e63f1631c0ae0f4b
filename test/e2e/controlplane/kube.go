package controlplane

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/kubernetes"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"time"
)

// certificates writes the CA, the API server's serving certificate, the
// admin client certificate and the service account signing key.
func (c *ControlPlane) certificates(context.Context) error {
	ca, err := NewCA("rivven-local-ca")
	if err != nil {
		return err
	}
	c.CA = ca
	pki := filepath.Join(c.dir, "pki")
	serving, err := ca.Issue("kube-apiserver", nil, "127.0.0.1", "localhost", "10.0.0.1",
		"kubernetes", "kubernetes.default", "kubernetes.default.svc")
	if err != nil {
		return err
	}
	if err := ca.WriteDir(filepath.Join(pki, "apiserver"), serving); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(pki, "ca.key"), ca.KeyPEM, 0o600); err != nil {
		return err
	}
	return writeServiceAccountKey(filepath.Join(pki, "sa.key"))
}

func (c *ControlPlane) startAPIServer(ctx context.Context) error {
	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	etcdURL, peerURL := "http://"+hostPort(ports[0]), "http://"+hostPort(ports[1])
	if _, err := c.start("etcd", []string{"ETCD_UNSUPPORTED_ARCH=" + c.Build.Arch}, c.bin("bin", "kube", "etcd"),
		"--name=rivven", "--data-dir="+filepath.Join(c.dir, "etcd"),
		"--listen-client-urls="+etcdURL, "--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL, "--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=rivven="+peerURL); err != nil {
		return err
	}
	pki := filepath.Join(c.dir, "pki")
	audit, err := c.auditFlags()
	if err != nil {
		return err
	}
	if _, err := c.start("kube-apiserver", nil, c.bin("bin", "kube", "kube-apiserver"), append(audit,
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1", "--advertise-address=127.0.0.1", "--secure-port="+strconv.Itoa(ports[2]),
		"--tls-cert-file="+filepath.Join(pki, "apiserver", "tls.crt"),
		"--tls-private-key-file="+filepath.Join(pki, "apiserver", "tls.key"),
		"--client-ca-file="+filepath.Join(pki, "apiserver", "ca.crt"),
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+filepath.Join(pki, "sa.key"),
		"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--authorization-mode=Node,RBAC",
		"--allow-privileged=true",
		"--cert-dir="+filepath.Join(c.dir, "pki", "apiserver-generated"),
	)...); err != nil {
		return err
	}
	admin, err := c.CA.Issue("rivven-admin", []string{"system:masters"})
	if err != nil {
		return err
	}
	if err := c.writeKubeconfig("https://"+hostPort(ports[2]), admin); err != nil {
		return err
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", c.Kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 100, 200
	c.Config = cfg
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	if err := poll(ctx, 2*time.Minute, "kube-apiserver /readyz", c.logf, func(ctx context.Context) (bool, string, error) {
		if err := c.Check(); err != nil {
			return false, "", err
		}
		_, err := cs.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(ctx)
		if err != nil {
			return false, err.Error(), nil
		}
		return true, "", nil
	}); err != nil {
		return err
	}
	scheme := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return err
	}
	if err := apiextensionsv1.AddToScheme(scheme); err != nil {
		return err
	}
	c.Client, err = client.New(cfg, client.Options{Scheme: scheme})
	return err
}

// startKube starts the controllers that make workloads real: the controller
// manager (StatefulSet, Deployment, ReplicaSet, EndpointSlice, PV binder,
// garbage collector, service accounts) and the scheduler. The local nodes'
// kubelet is the harness's own (startNodes).
func (c *ControlPlane) startKube(ctx context.Context) error {
	ports, err := freePorts(2)
	if err != nil {
		return err
	}
	pki := filepath.Join(c.dir, "pki")
	kc := "--kubeconfig=" + c.Kubeconfig
	if _, err := c.start("kube-controller-manager", nil, c.bin("bin", "kube", "kube-controller-manager"),
		kc, "--authentication-kubeconfig="+c.Kubeconfig, "--authorization-kubeconfig="+c.Kubeconfig,
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(ports[0]),
		"--cert-dir="+filepath.Join(pki, "kcm"),
		"--service-account-private-key-file="+filepath.Join(pki, "sa.key"),
		"--root-ca-file="+filepath.Join(pki, "apiserver", "ca.crt"),
		"--cluster-signing-cert-file="+filepath.Join(pki, "apiserver", "ca.crt"),
		"--cluster-signing-key-file="+filepath.Join(pki, "ca.key"),
		"--concurrent-statefulset-syncs=5", "--concurrent-deployment-syncs=5",
		// The machine may be busy: a late node heartbeat must not mark
		// every pod NotReady, which is not what this tier tests.
		"--node-monitor-grace-period=1h",
	); err != nil {
		return err
	}
	_, err = c.start("kube-scheduler", nil, c.bin("bin", "kube", "kube-scheduler"),
		kc, "--authentication-kubeconfig="+c.Kubeconfig, "--authorization-kubeconfig="+c.Kubeconfig,
		"--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port="+strconv.Itoa(ports[1]),
		"--cert-dir="+filepath.Join(pki, "scheduler"),
	)
	return err
}

// nodesAndVolumes registers the volumes the examples' storage classes ask
// for. The storage classes themselves are not created: without a
// StorageClass object the PV controller binds claims at once, as it does for
// statically provisioned volumes.
func (c *ControlPlane) nodesAndVolumes(ctx context.Context) error {
	for _, v := range c.opts.Volumes {
		for i := range v.Count {
			pv := &corev1.PersistentVolume{
				ObjectMeta: metav1.ObjectMeta{Name: pvName(v.StorageClass, i)},
				Spec: corev1.PersistentVolumeSpec{
					StorageClassName:              v.StorageClass,
					Capacity:                      corev1.ResourceList{corev1.ResourceStorage: resource.MustParse(v.Size)},
					AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
					PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
					PersistentVolumeSource: corev1.PersistentVolumeSource{
						HostPath: &corev1.HostPathVolumeSource{Path: filepath.Join(c.dir, "volumes", pvName(v.StorageClass, i))},
					},
				},
			}
			if err := c.Client.Create(ctx, pv); err != nil {
				return err
			}
		}
	}
	return c.startNodes(ctx)
}

// pvName names volume i of a class; claims without a class bind to the
// volumes named "default-i".
func pvName(class string, i int) string {
	if class == "" {
		class = "default"
	}
	return fmt.Sprintf("%s-%d", class, i)
}
func nodeResources() corev1.ResourceList {
	return corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("32"),
		corev1.ResourceMemory: resource.MustParse("256Gi"),
		corev1.ResourcePods:   resource.MustParse("110"),
	}
}
