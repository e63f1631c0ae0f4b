package apiserver

import (
	"context"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// TestPodSecurityControl proves that TestRenderedOutputAdmitted can fail: in
// a restricted namespace, a workload whose pod template breaks the restricted
// standard must draw a warning we record, and such a pod must be refused.
func TestPodSecurityControl(t *testing.T) {
	ns := namespace(t, restricted)
	var sts unstructured.Unstructured
	if err := yaml.Unmarshal([]byte(`
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: careless
spec:
  serviceName: careless
  selector: {matchLabels: {app: careless}}
  template:
    metadata: {labels: {app: careless}}
    spec:
      containers:
        - name: main
          image: registry.example/careless:1
`), &sts.Object); err != nil {
		t.Fatal(err)
	}
	sts.SetNamespace(ns)

	ctx, w := withWarnings(context.Background())
	if err := k8s.Create(ctx, sts.DeepCopy(), client.DryRunAll); err != nil {
		t.Fatalf("dry-run create: %v", err)
	}
	if len(w.get()) == 0 {
		t.Error("a StatefulSet violating the restricted standard drew no warning: warnings are not recorded, or Pod Security is off")
	}

	pod, err := podOf(&sts)
	if err != nil {
		t.Fatal(err)
	}
	if err := k8s.Create(context.Background(), pod, client.DryRunAll); err == nil {
		t.Error("a pod violating the restricted standard was admitted: Pod Security does not enforce")
	}
}
