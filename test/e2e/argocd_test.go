package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

// TestArgoCD is GitOps with a real Argo CD (application controller and repo
// server of hack/argocd, settings of gitops/argocd): the Application of
// gitops/argocd/application.yaml syncs a local git repository holding the
// packages and the seed examples into the local control plane, and Argo CD
// installs the Configuration as a user's would. It runs under
// make e2e-argocd (RIVVEN_E2E_ARGOCD=1), which builds every input first.
func TestArgoCD(t *testing.T) {
	if os.Getenv("RIVVEN_E2E_ARGOCD") != "1" {
		t.Skip("the Argo CD tier runs with make e2e-argocd (RIVVEN_E2E_ARGOCD=1)")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()

	start := time.Now()
	repo := newGitRepo(t, filepath.Join(root, ".work", "e2e-argocd-git"))
	var app *argoApp
	o := controlplane.SeedOptions()
	o.Root, o.Dir, o.Progress = root, filepath.Join(root, ".work", "e2e-argocd"), os.Stdout
	o.Install = func(ctx context.Context, cp *controlplane.ControlPlane) error {
		if err := cp.ApplyPrerequisites(ctx); err != nil {
			return err
		}
		if err := cp.StartArgoCD(ctx); err != nil {
			return err
		}
		writeSeedRepo(t, cp, repo)
		app = newArgoApp(t, ctx, cp, repo)
		return nil
	}
	cp, err := controlplane.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cp.Stop)
	t.Logf("control plane up, packages installed by Argo CD and Healthy in %s", time.Since(start).Round(time.Second))
	if err := cp.ApplySeedPrerequisites(ctx); err != nil {
		t.Fatal(err)
	}

	t.Run("Progressing, then Healthy once everything is Ready", func(t *testing.T) {
		app.waitHealth(t, ctx, 12*time.Minute, "Healthy", app.seedRev)
		time.Sleep(2 * time.Second) // one more look of the recorder
		app.stopChecking()
		t.Logf("Application health/sync, in order: %v", app.history())
		if !app.sawBefore("Progressing", "Healthy/Synced") {
			t.Errorf("the Application was not Progressing before it was Healthy and Synced: %v", app.history())
		}
		if v := app.failures(); len(v) > 0 {
			t.Errorf("Healthy before the resources were Ready: %s", strings.Join(v, "; "))
		}
		// Wave 1 is applied once wave 0 is Healthy, i.e. its cluster Ready
		// on its real broker.
		cluster, err := cp.Get(ctx, "rivven.io/v1alpha1", "RivvenCluster", "default", controlplane.LocalCluster.Name)
		must(t, err)
		ready := conditionTime(t, cluster, "Ready")
		for _, r := range []controlplane.Ref{controlplane.LocalPipeline, controlplane.LocalTopic} {
			u, err := cp.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
			must(t, err)
			if created := u.GetCreationTimestamp().Time; created.Before(ready) {
				t.Errorf("%s created at %s, before its cluster was Ready at %s: the sync waves did not hold", r, created, ready)
			}
		}
		// The Application turned Healthy only when the resources were
		// Ready: waitHealth checks each Healthy it sees against them.
		for _, r := range []struct{ kind, name, msg string }{
			{"RivvenCluster", controlplane.LocalCluster.Name, "1/1 brokers ready at rivven-minimal.default.svc:9092"},
			{"RivvenConnect", controlplane.LocalPipeline.Name, "1/1 workers ready, sources 1/1 enabled, sinks 1/1 enabled"},
			// rivvend holds neither the ACLs nor three copies: what the
			// provider says of them follows (test/argocd pins the words).
			{"RivvenTopic", controlplane.LocalTopic.Name, "topic orders-events: 12 partitions, replication factor 1; not applied: "},
		} {
			h := app.resourceHealth(t, ctx, r.kind, r.name)
			if h.Status != "Healthy" || !strings.HasPrefix(h.Message, r.msg) {
				t.Errorf("%s %s: health %s %q, want Healthy %q... (the check of gitops/argocd)", r.kind, r.name, h.Status, h.Message, r.msg)
			}
		}
	})

	composed := snapshotComposed(t, ctx, cp)
	t.Run("only what git holds is the app's", func(t *testing.T) {
		app.checkResources(t, ctx, seedTracked)
		checkComposedKept(t, ctx, cp, composed)
	})

	t.Run("a spec the function refuses turns the app Degraded with its message", func(t *testing.T) {
		repo.write(t, "connect/refused.yaml", refusedConnect(t, cp))
		repo.commit(t, "a RivvenConnect with a literal credential")
		app.refresh(t, ctx)
		app.waitHealth(t, ctx, 5*time.Minute, "Degraded", repo.head(t))
		xr, err := cp.Get(ctx, "rivven.io/v1alpha1", "RivvenConnect", "default", "refused")
		must(t, err)
		s, _, msg := controlplane.Condition(xr, "Synced")
		if s != "False" || !strings.Contains(msg, "spec.sinks[1].config.token") {
			t.Fatalf("RivvenConnect refused: Synced=%s %q, want False naming spec.sinks[1].config.token", s, msg)
		}
		if h := app.resourceHealth(t, ctx, "RivvenConnect", "refused"); h.Status != "Degraded" || h.Message != msg {
			t.Errorf("RivvenConnect refused: health %s %q, want Degraded with the function's message %q", h.Status, h.Message, msg)
		}
		repo.remove(t, "connect/refused.yaml")
		repo.commit(t, "drop the refused RivvenConnect")
		app.refresh(t, ctx)
		app.waitHealth(t, ctx, 5*time.Minute, "Healthy", repo.head(t))
		argoWaitGone(t, ctx, cp, controlplane.Ref{APIVersion: "rivven.io/v1alpha1", Kind: "RivvenConnect", Namespace: "default", Name: "refused"})
	})

	t.Run("a RivvenTopic removed from git is pruned", func(t *testing.T) {
		repo.remove(t, "topics/orders-events.yaml")
		repo.commit(t, "drop orders-events")
		app.refresh(t, ctx)
		argoWaitGone(t, ctx, cp, controlplane.LocalTopic)
		app.waitHealth(t, ctx, 3*time.Minute, "Healthy", repo.head(t))
		app.checkResources(t, ctx, seedTracked[:len(seedTracked)-1])
		checkComposedKept(t, ctx, cp, composed)
	})
	t.Logf("Argo CD scenario done in %s", time.Since(start).Round(time.Second))
}

// seedTracked is what the Application tracks: exactly the files of git.
var seedTracked = []string{
	"rbac.authorization.k8s.io/ClusterRole//crossplane:rivven:composed-resources",
	"pkg.crossplane.io/Configuration//configuration-rivven",
	"rivven.io/RivvenCluster/default/minimal",
	"rivven.io/RivvenConnect/default/datagen-demo",
	"rivven.io/RivvenTopic/default/orders-events-minimal",
}

// writeSeedRepo commits what a platform team keeps in git: the RBAC the
// packages cannot carry and the Configuration (wave -1), a RivvenCluster
// (wave 0), its RivvenConnect and RivvenTopic (wave 1), as
// gitops/argocd/application.yaml describes. They are the local stack
// (controlplane.LocalManifests: a one-broker cluster, the seed's topic on
// it, the datagen pipeline), which runs on real processes and turns Ready;
// the seed's production cannot (its release was never published).
func writeSeedRepo(t *testing.T, cp *controlplane.ControlPlane, repo *gitRepo) {
	t.Helper()
	rbac, err := controlplane.ReadObjects(cp.Path("compositions", "rbac.yaml"))
	must(t, err)
	cfg := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "pkg.crossplane.io/v1",
		"kind":       "Configuration",
		"metadata":   map[string]any{"name": "configuration-rivven"},
		"spec":       map[string]any{"package": cp.Build.Ref("configuration-rivven")},
	}}
	repo.write(t, "packages/rbac.yaml", toYAML(t, withWave(rbac, "-1")...))
	repo.write(t, "packages/configuration.yaml", toYAML(t, withWave([]*unstructured.Unstructured{cfg}, "-1")...))
	local, err := cp.LocalManifests()
	must(t, err)
	for i, f := range []struct{ file, wave string }{
		{"cluster/minimal.yaml", ""},
		{"topics/orders-events.yaml", "1"},
		{"connect/datagen-demo.yaml", "1"},
	} {
		repo.write(t, f.file, toYAML(t, withWave(local[i:i+1], f.wave)...))
	}
	repo.commit(t, "the Rivven packages and the seed examples")
}

// refusedConnect is the datagen example with a literal credential in a
// generic sink config (a placeholder): admission admits it, the function
// refuses it.
func refusedConnect(t *testing.T, cp *controlplane.ControlPlane) []byte {
	t.Helper()
	objs, err := controlplane.ReadObjects(cp.Path("examples", "connect", "datagen-stdout.yaml"))
	must(t, err)
	xr := objs[0]
	xr.SetName("refused")
	sinks, _, _ := unstructured.NestedSlice(xr.Object, "spec", "sinks")
	sinks = append(sinks, map[string]any{
		"name": "hook", "connector": "my-webhook", "topics": []any{"demo.orders"}, "consumerGroup": "hook",
		"config": map[string]any{"token": "placeholder-not-a-secret"},
	})
	must(t, unstructured.SetNestedSlice(xr.Object, sinks, "spec", "sinks"))
	return toYAML(t, withWave([]*unstructured.Unstructured{xr}, "1")...)
}

func withWave(objs []*unstructured.Unstructured, wave string) []*unstructured.Unstructured {
	for _, o := range objs {
		if wave == "" {
			continue
		}
		a := o.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a["argocd.argoproj.io/sync-wave"] = wave
		o.SetAnnotations(a)
	}
	return objs
}

func toYAML(t *testing.T, objs ...*unstructured.Unstructured) []byte {
	t.Helper()
	var b strings.Builder
	for _, o := range objs {
		raw, err := yaml.Marshal(o.Object)
		must(t, err)
		fmt.Fprintf(&b, "---\n%s", raw)
	}
	return []byte(b.String())
}

// snapshotComposed records the UID of every resource composed for the seed
// composites: a resource Argo CD pruned and Crossplane composed again would
// have a new one.
func snapshotComposed(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane) map[controlplane.Ref]string {
	t.Helper()
	out := map[controlplane.Ref]string{}
	for _, xr := range []controlplane.Ref{controlplane.LocalCluster, controlplane.LocalPipeline} {
		u, err := cp.Get(ctx, xr.APIVersion, xr.Kind, xr.Namespace, xr.Name)
		must(t, err)
		refs, _, _ := unstructured.NestedSlice(u.Object, "spec", "crossplane", "resourceRefs")
		for _, r := range refs {
			m := r.(map[string]any)
			ref := controlplane.Ref{APIVersion: m["apiVersion"].(string), Kind: m["kind"].(string), Namespace: xr.Namespace, Name: m["name"].(string)}
			obj, err := cp.Get(ctx, ref.APIVersion, ref.Kind, ref.Namespace, ref.Name)
			must(t, err)
			out[ref] = string(obj.GetUID())
		}
	}
	if len(out) < 8 {
		t.Fatalf("only %d composed resources: %v", len(out), out)
	}
	return out
}

func checkComposedKept(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, before map[controlplane.Ref]string) {
	t.Helper()
	for ref, uid := range before {
		obj, err := cp.Get(ctx, ref.APIVersion, ref.Kind, ref.Namespace, ref.Name)
		if err != nil {
			t.Errorf("composed %s: %v", ref, err)
			continue
		}
		if string(obj.GetUID()) != uid {
			t.Errorf("composed %s was deleted and created again (uid %s, was %s)", ref, obj.GetUID(), uid)
		}
	}
}

// argoWaitGone waits until an object Argo CD pruned is gone, and names its
// finalizers if one holds it.
func argoWaitGone(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, r controlplane.Ref) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	state := "never read"
	for time.Now().Before(deadline) && ctx.Err() == nil {
		u, err := cp.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
		switch {
		case apierrors.IsNotFound(err):
			return
		case err != nil:
			state = err.Error()
		default:
			state = fmt.Sprintf("deletionTimestamp %v, finalizers %v", u.GetDeletionTimestamp(), u.GetFinalizers())
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("%s not deleted within 3m: %s", r, state)
}

// conditionTime is when a condition last changed.
func conditionTime(t *testing.T, u *unstructured.Unstructured, typ string) time.Time {
	t.Helper()
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range cs {
		if m, _ := c.(map[string]any); m["type"] == typ {
			ts, err := time.Parse(time.RFC3339, str(m["lastTransitionTime"]))
			must(t, err)
			return ts
		}
	}
	t.Fatalf("%s %s has no %s condition", u.GetKind(), u.GetName(), typ)
	return time.Time{}
}
