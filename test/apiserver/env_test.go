package apiserver

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

const buildScript = "hack/kube/build.sh"

var (
	flagAssets = flag.String("kube-assets", "", "directory with etcd and kube-apiserver (default: $KUBEBUILDER_ASSETS, else bin/kube)")
	flagXRDs   = flag.String("xrds", "", "directory of XRDs to install as Crossplane would (default: package/xrds)")
	flagCRDs   = flag.String("crds", "", "directory of CRDs to install (default: package/crds)")
)

// The control plane every test in this package shares; set by TestMain.
var (
	root     string          // repository root
	cfg      *rest.Config    // admin access, warnings recorded per request (see warnings_test.go)
	k8s      client.Client   // client on cfg
	scheme   *runtime.Scheme // client-go types plus CRDs
	crds     []*extv1.CustomResourceDefinition
	xrdFiles []string
)

func TestMain(m *testing.M) {
	flag.Parse()
	os.Exit(run(m))
}

func run(m *testing.M) int {
	env, err := start()
	if err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: API server test tier cannot start: %v\n", err)
		return 1
	}
	code := m.Run()
	if err := env.Stop(); err != nil {
		fmt.Fprintf(os.Stderr, "FAIL: cannot stop the control plane: %v\n", err)
		return 1
	}
	return code
}

// assetsDir finds the control-plane binaries. Missing ones are an error naming
// the script that builds them: this tier fails rather than skips.
func assetsDir() (string, error) {
	dir := *flagAssets
	if dir == "" {
		dir = os.Getenv("KUBEBUILDER_ASSETS")
	}
	if dir == "" {
		dir = filepath.Join(root, "bin", "kube")
	}
	var missing []string
	for _, b := range []string{"etcd", "kube-apiserver"} {
		st, err := os.Stat(filepath.Join(dir, b))
		if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			missing = append(missing, b)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("control-plane binaries %s missing in %s: run %s (it builds kube-apiserver and installs etcd)",
			strings.Join(missing, ", "), dir, buildScript)
	}
	return dir, nil
}

func start() (*envtest.Environment, error) {
	var err error
	if root, err = repoRoot(); err != nil {
		return nil, err
	}
	assets, err := assetsDir()
	if err != nil {
		return nil, err
	}
	if crds, xrdFiles, err = loadCRDs(filepath.Join(assets, "crds")); err != nil {
		return nil, err
	}
	scheme = runtime.NewScheme()
	if err := clientgoscheme.AddToScheme(scheme); err != nil {
		return nil, err
	}
	if err := extv1.AddToScheme(scheme); err != nil {
		return nil, err
	}

	// envtest prefers $KUBEBUILDER_ASSETS over BinaryAssetsDirectory; make
	// both name the directory checked above.
	if err := os.Setenv("KUBEBUILDER_ASSETS", assets); err != nil {
		return nil, err
	}
	env := &envtest.Environment{
		BinaryAssetsDirectory: assets,
		// envtest passes --unsafe-no-fsync to etcd only when etcd lists the flag,
		// so Debian's etcd 3.4 (which lacks it) starts as is.
		CRDs:                     crds,
		ControlPlaneStartTimeout: 2 * time.Minute,
		ControlPlaneStopTimeout:  time.Minute,
		AttachControlPlaneOutput: os.Getenv("APISERVER_TEST_VERBOSE") != "",
	}
	if cfg, err = env.Start(); err != nil {
		return nil, fmt.Errorf("starting etcd and kube-apiserver from %s: %w", assets, err)
	}
	cfg.WarningHandlerWithContext = warningRecorder{}
	if k8s, err = client.New(cfg, client.Options{Scheme: scheme}); err != nil {
		_ = env.Stop()
		return nil, err
	}
	return env, nil
}

// loadCRDs reads what the tier installs: the CRDs Crossplane derives from our
// XRDs, our provider's CRDs, and third-party CRDs of kinds our functions
// compose (thirdParty, written by the build script).
func loadCRDs(thirdParty string) ([]*extv1.CustomResourceDefinition, []string, error) {
	xdir, cdir := *flagXRDs, *flagCRDs
	if xdir == "" {
		xdir = filepath.Join(root, "package", "xrds")
	}
	if cdir == "" {
		cdir = filepath.Join(root, "package", "crds")
	}
	xf, err := yamlFiles(xdir)
	if err != nil {
		return nil, nil, err
	}
	cf, err := yamlFiles(cdir)
	if err != nil {
		return nil, nil, err
	}
	fromXRDs, err := xrdCRDs(xf)
	if err != nil {
		return nil, nil, err
	}
	plain, err := readCRDs(cf)
	if err != nil {
		return nil, nil, err
	}
	tf, err := yamlFiles(thirdParty)
	if err != nil {
		return nil, nil, err
	}
	if len(tf) == 0 {
		return nil, nil, fmt.Errorf("no third-party CRDs (ServiceMonitor) in %s: run %s", thirdParty, buildScript)
	}
	other, err := readCRDs(tf)
	if err != nil {
		return nil, nil, err
	}
	all := append(append(fromXRDs, plain...), other...)
	if len(all) == len(other) {
		return nil, nil, fmt.Errorf("neither %s nor %s holds a CRD or XRD", xdir, cdir)
	}
	return all, xf, nil
}

// namespace creates a namespace for one test, labelled as given, and deletes it
// when the test ends.
func namespace(t *testing.T, labels map[string]string) string {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{GenerateName: "t-", Labels: labels}}
	if err := k8s.Create(context.Background(), ns); err != nil {
		t.Fatalf("create namespace: %v", err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), ns) })
	return ns.Name
}
