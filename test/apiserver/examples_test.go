package apiserver

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// TestExamples applies every user-facing example, as a user would with
// kubectl apply --server-side, each file into a namespace of its own.
func TestExamples(t *testing.T) {
	dir := filepath.Join(root, "examples")
	// examples/render holds inputs for crossplane render (observed resources,
	// function configs), not objects a user applies.
	files, err := yamlFiles(dir, "render")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no examples under %s", dir)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		t.Run(rel, func(t *testing.T) { applyFile(t, f) })
	}
}

// TestDefaults applies minimal objects and checks that the API server fills in
// the defaults the product documents. Each file under testdata/defaults states
// them in "# expect: [Kind] path = value" header lines.
func TestDefaults(t *testing.T) {
	files, err := yamlFiles(filepath.Join("testdata", "defaults"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no cases under testdata/defaults")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { applyFile(t, f) })
	}
}

// applyFile applies every object of a file into a fresh namespace. Each must be
// accepted without warnings, with nothing it sets pruned or changed, and must
// hold the values the file's "# expect:" header lines name.
func applyFile(t *testing.T, f string) {
	t.Helper()
	objs, err := readObjects(f)
	if err != nil {
		t.Fatal(err)
	}
	expects, err := readExpectations(f)
	if err != nil {
		t.Fatal(err)
	}
	ns := namespace(t, nil)
	var stored []*unstructured.Unstructured
	for _, o := range objs {
		if err := place(o, ns); err != nil {
			t.Fatal(err)
		}
		ctx, w := withWarnings(context.Background())
		got, err := apply(ctx, o)
		if err != nil {
			t.Errorf("%s rejected: %v", describe(o), err)
			continue
		}
		cleanupObject(t, got)
		if ws := w.get(); len(ws) > 0 {
			t.Errorf("%s admitted with warnings: %q", describe(o), ws)
		}
		if d := missing(o.Object["spec"], got.Object["spec"], "spec"); len(d) > 0 {
			sort.Strings(d)
			t.Errorf("%s: the API server pruned or changed %q", describe(o), d)
		}
		stored = append(stored, got)
	}
	checkExpectations(t, expects, stored)
}

// cleanupObject deletes a cluster-scoped object when the test ends; namespaced
// ones go with their namespace.
func cleanupObject(t *testing.T, u *unstructured.Unstructured) {
	if u.GetNamespace() != "" {
		return
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), u.DeepCopy()) })
}
