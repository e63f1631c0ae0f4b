package apiserver

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// restricted labels a namespace so that Pod Security admission enforces, and
// warns about, the "restricted" standard. Enforcement applies to pods; warnings
// also cover the pod templates of workloads.
var restricted = map[string]string{
	"pod-security.kubernetes.io/enforce":         "restricted",
	"pod-security.kubernetes.io/enforce-version": "latest",
	"pod-security.kubernetes.io/warn":            "restricted",
	"pod-security.kubernetes.io/warn-version":    "latest",
}

// notComposed tells the documents of a golden file that are not composed
// resources: the XR itself and crossplane render's own results and context.
func notComposed(u *unstructured.Unstructured, xrKinds map[string]bool) bool {
	gv := u.GroupVersionKind()
	return xrKinds[gv.Group+"/"+gv.Kind] || strings.HasSuffix(gv.Group, "crossplane.io")
}

// TestRenderedOutputAdmitted creates, with server-side dry-run, every resource
// the composition functions render for the examples (the golden files of the
// render tier) in a namespace that enforces the restricted Pod Security
// standard. Each must be admitted without a single warning. Workloads are
// also checked as the pods their controllers would create, so that enforcement,
// not only the warning, is exercised.
func TestRenderedOutputAdmitted(t *testing.T) {
	dir := filepath.Join(root, "test", "render", "testdata")
	files, err := yamlFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no render golden files under %s", dir)
	}
	xrKinds, err := compositeKinds()
	if err != nil {
		t.Fatal(err)
	}
	ns := namespace(t, restricted)
	total := 0
	for _, f := range files {
		rel, _ := filepath.Rel(dir, f)
		t.Run(rel, func(t *testing.T) {
			objs, err := readObjects(f)
			if err != nil {
				t.Fatal(err)
			}
			checked := 0
			defer func() { t.Logf("%d composed resources admitted or reported", checked) }()
			for _, o := range objs {
				if notComposed(o, xrKinds) {
					continue
				}
				total++
				checked++
				if err := place(o, ns); err != nil {
					t.Errorf("%s: %v", describe(o), err)
					continue
				}
				// Crossplane owns composed resources through its XR; the XR does
				// not exist here, and an owner reference without a UID is invalid.
				o.SetOwnerReferences(nil)
				dryRunCreate(t, o)
				pod, err := podOf(o)
				if err != nil {
					t.Errorf("%s: %v", describe(o), err)
					continue
				}
				if pod != nil {
					dryRunCreate(t, pod)
				}
			}
		})
	}
	if total == 0 {
		t.Errorf("the golden files under %s hold no composed resources", dir)
	}
}

func dryRunCreate(t *testing.T, o *unstructured.Unstructured) {
	t.Helper()
	ctx, w := withWarnings(context.Background())
	if err := k8s.Create(ctx, o.DeepCopy(), client.DryRunAll, client.FieldValidation("Strict")); err != nil {
		t.Errorf("%s rejected: %v", describe(o), err)
		return
	}
	if ws := w.get(); len(ws) > 0 {
		t.Errorf("%s admitted with warnings: %q", describe(o), ws)
	}
}

// compositeKinds lists group/kind of every XR our XRDs define.
func compositeKinds() (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range xrdFiles {
		xrd, err := readXRD(f)
		if err != nil {
			return nil, err
		}
		out[xrd.Spec.Group+"/"+xrd.Spec.Names.Kind] = true
	}
	return out, nil
}

// podOf returns the pod a StatefulSet's or Deployment's controller would create
// first, or nil for other kinds. A StatefulSet's pod gets one PVC volume per
// volumeClaimTemplate, as the StatefulSet controller adds them.
func podOf(o *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	var tmpl corev1.PodTemplateSpec
	switch o.GroupVersionKind() {
	case appsv1.SchemeGroupVersion.WithKind("StatefulSet"):
		sts := &appsv1.StatefulSet{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, sts); err != nil {
			return nil, err
		}
		tmpl = sts.Spec.Template
		for _, pvc := range sts.Spec.VolumeClaimTemplates {
			tmpl.Spec.Volumes = append(tmpl.Spec.Volumes, corev1.Volume{
				Name: pvc.Name,
				VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{
					ClaimName: fmt.Sprintf("%s-%s-0", pvc.Name, sts.Name),
				}},
			})
		}
		tmpl.Name = sts.Name + "-0"
	case appsv1.SchemeGroupVersion.WithKind("Deployment"):
		d := &appsv1.Deployment{}
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(o.Object, d); err != nil {
			return nil, err
		}
		tmpl = d.Spec.Template
		tmpl.Name = d.Name + "-pod"
	default:
		return nil, nil
	}
	pod := &corev1.Pod{ObjectMeta: tmpl.ObjectMeta, Spec: tmpl.Spec}
	pod.Namespace = o.GetNamespace()
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(pod)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{Object: m}
	u.SetAPIVersion("v1")
	u.SetKind("Pod")
	return u, nil
}
