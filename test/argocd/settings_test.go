// Package argocd tests gitops/argocd/argocd-cm.yaml with Argo CD's own code.
package argocd

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/argoproj/argo-cd/v3/pkg/apis/application/v1alpha1"
	"github.com/argoproj/argo-cd/v3/util/settings"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/client-go/kubernetes/fake"
	"sigs.k8s.io/yaml"
)

// cmFile is the file users apply.
const cmFile = "../../gitops/argocd/argocd-cm.yaml"

const argocdNamespace = "argocd"

func readConfigMap(t *testing.T, path string) *corev1.ConfigMap {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cm := &corev1.ConfigMap{}
	if err := yaml.UnmarshalStrict(raw, cm); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return cm
}

// settingsManager reads argocd-cm as Argo CD's components do: through its
// settings manager, from an API server (a fake clientset here) holding the
// ConfigMap and the Secret every installation has.
func settingsManager(t *testing.T, cm *corev1.ConfigMap) *settings.SettingsManager {
	t.Helper()
	cm = cm.DeepCopy()
	cm.Namespace = argocdNamespace
	secret := &corev1.Secret{}
	secret.Name, secret.Namespace = "argocd-secret", argocdNamespace
	secret.Labels = map[string]string{"app.kubernetes.io/part-of": "argocd"}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	return settings.NewSettingsManager(ctx, fake.NewClientset(cm, secret), argocdNamespace)
}

// resourceOverrides are the customizations the application controller
// hands to its health engine.
func resourceOverrides(t *testing.T) map[string]v1alpha1.ResourceOverride {
	t.Helper()
	o, err := settingsManager(t, readConfigMap(t, cmFile)).GetResourceOverrides()
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestHealthScriptsForEveryKind(t *testing.T) {
	o := resourceOverrides(t)
	for _, key := range []string{"rivven.io/RivvenCluster", "rivven.io/RivvenConnect", "rivven.io/RivvenTopic"} {
		if strings.TrimSpace(o[key].HealthLua) == "" {
			t.Errorf("Argo CD reads no health script for %s from %s", key, cmFile)
		}
	}
}

// Argo CD 3 defaults to annotation tracking, so the settings manager alone
// cannot tell whether the file says so; installs upgraded from 2.x keep the
// key they had, which is why the file sets it.
func TestAnnotationTracking(t *testing.T) {
	cm := readConfigMap(t, cmFile)
	if got := cm.Data["application.resourceTrackingMethod"]; got != string(v1alpha1.TrackingMethodAnnotation) {
		t.Errorf("application.resourceTrackingMethod = %q, want %q", got, v1alpha1.TrackingMethodAnnotation)
	}
	got, err := settingsManager(t, cm).GetTrackingMethod()
	if err != nil {
		t.Fatal(err)
	}
	if got != string(v1alpha1.TrackingMethodAnnotation) {
		t.Errorf("Argo CD reads tracking method %q", got)
	}
}

func TestExclusions(t *testing.T) {
	f, err := settingsManager(t, readConfigMap(t, cmFile)).GetResourcesFilter()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"ProviderConfigUsage", "ClusterProviderConfigUsage"} {
		if !f.IsExcludedResource("rivven.io", k, "https://kubernetes.default.svc") {
			t.Errorf("rivven.io %s is not excluded", k)
		}
	}
	for _, k := range []string{"RivvenCluster", "RivvenConnect", "RivvenTopic", "ProviderConfig", "ClusterProviderConfig"} {
		if f.IsExcludedResource("rivven.io", k, "https://kubernetes.default.svc") {
			t.Errorf("rivven.io %s is excluded, so Argo CD would neither sync nor show it", k)
		}
	}
}

// resource.exclusions is one value: the file replaces the default list of
// Argo CD's install manifests, so it must keep every entry of the pinned
// release's list.
func TestExclusionsKeepArgoCDDefaults(t *testing.T) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/argoproj/argo-cd/v3")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("locate the Argo CD module: %v", err)
	}
	defaults := readConfigMap(t, filepath.Join(strings.TrimSpace(string(out)), "manifests", "base", "config", "argocd-cm.yaml"))
	df, err := settingsManager(t, defaults).GetResourcesFilter()
	if err != nil {
		t.Fatal(err)
	}
	ours, err := settingsManager(t, readConfigMap(t, cmFile)).GetResourcesFilter()
	if err != nil {
		t.Fatal(err)
	}
	if len(df.ResourceExclusions) == 0 {
		t.Fatal("Argo CD's install manifests exclude nothing: the test reads the wrong file")
	}
	for _, e := range df.ResourceExclusions {
		for _, g := range e.APIGroups {
			for _, k := range e.Kinds {
				if !ours.IsExcludedResource(g, k, "https://kubernetes.default.svc") {
					t.Errorf("Argo CD excludes %q %s by default; %s does not", g, k, cmFile)
				}
			}
		}
	}
}
