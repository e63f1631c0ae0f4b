package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// controlPlane is the API server tier's etcd and kube-apiserver with the
// provider's CRDs installed, as test/apiserver starts them.
type controlPlane struct {
	env        *envtest.Environment
	cfg        *rest.Config
	kube       client.Client
	kubeconfig string // file the provider process connects with
}

func startControlPlane(assets, crds, work string) (*controlPlane, error) {
	for _, b := range []string{"etcd", "kube-apiserver"} {
		if _, err := os.Stat(filepath.Join(assets, b)); err != nil {
			return nil, fmt.Errorf("%s missing in %s: run hack/kube/build.sh (make kube-tools)", b, assets)
		}
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory:    assets,
		CRDDirectoryPaths:        []string{crds},
		ErrorIfCRDPathMissing:    true,
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
		AttachControlPlaneOutput: os.Getenv("BENCH_VERBOSE") != "",
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("starting etcd and kube-apiserver from %s: %w", assets, err)
	}
	cp := &controlPlane{env: env, cfg: cfg, kubeconfig: filepath.Join(work, "kubeconfig")}
	if err := os.WriteFile(cp.kubeconfig, env.KubeConfig, 0o600); err != nil {
		cp.stop()
		return nil, err
	}
	// The benchmark itself creates and lists thousands of objects; it must
	// not be the bottleneck it measures.
	bc := rest.CopyConfig(cfg)
	bc.QPS, bc.Burst = 1000, 2000
	s := runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(s); err != nil {
		cp.stop()
		return nil, err
	}
	if cp.kube, err = client.New(bc, client.Options{Scheme: s}); err != nil {
		cp.stop()
		return nil, err
	}
	return cp, nil
}

func (c *controlPlane) stop() {
	if err := c.env.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "cannot stop the control plane: %v\n", err)
	}
}
