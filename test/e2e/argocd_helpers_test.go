package e2e

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
)

// gitRepo is a local git repository that the repo server clones over
// file://, as Argo CD's own end-to-end tests do.
type gitRepo struct{ dir string }

func newGitRepo(t *testing.T, dir string) *gitRepo {
	t.Helper()
	must(t, os.RemoveAll(dir))
	must(t, os.MkdirAll(dir, 0o755))
	r := &gitRepo{dir: dir}
	r.git(t, "init", "-q", "-b", "main")
	return r
}

// git runs git in the repository, blind to the user's and the system's
// git configuration.
func (r *gitRepo) git(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=e2e", "-c", "user.email=e2e@localhost", "-c", "commit.gpgsign=false"}, args...)...)
	cmd.Dir = r.dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (r *gitRepo) write(t *testing.T, file string, content []byte) {
	t.Helper()
	p := filepath.Join(r.dir, filepath.FromSlash(file))
	must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	must(t, os.WriteFile(p, content, 0o644))
}

func (r *gitRepo) remove(t *testing.T, file string) { t.Helper(); r.git(t, "rm", "-q", file) }

func (r *gitRepo) commit(t *testing.T, msg string) {
	t.Helper()
	r.git(t, "add", "-A")
	r.git(t, "commit", "-q", "-m", msg)
}

func (r *gitRepo) head(t *testing.T) string { t.Helper(); return r.git(t, "rev-parse", "HEAD") }

// argoApp is the Application of gitops/argocd/application.yaml pointed at
// the local repository, and what a recorder saw of its health.
type argoApp struct {
	cp   *controlplane.ControlPlane
	name string

	// seedRev is the commit of the seed; the recorder checks the seed's
	// resources while checking is set.
	seedRev string

	mu         sync.Mutex
	checking   bool
	seen       []string // "health/sync" in the order they appeared
	violations []string // Healthy and Synced at seedRev while a seed resource was not Ready
}

func newArgoApp(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, repo *gitRepo) *argoApp {
	t.Helper()
	objs, err := controlplane.ReadObjects(cp.Path("gitops", "argocd", "application.yaml"))
	must(t, err)
	app := objs[0]
	must(t, unstructured.SetNestedField(app.Object, "file://"+repo.dir, "spec", "source", "repoURL"))
	must(t, unstructured.SetNestedField(app.Object, ".", "spec", "source", "path"))
	must(t, cp.Apply(ctx, app))
	a := &argoApp{cp: cp, name: app.GetName(), seedRev: repo.head(t), checking: true}
	rctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go a.record(rctx)
	return a
}

func (a *argoApp) get(ctx context.Context) (*unstructured.Unstructured, error) {
	return a.cp.Get(ctx, "argoproj.io/v1alpha1", "Application", controlplane.ArgoCDNamespace, a.name)
}

// record notes every change of the Application's health and sync status
// from its creation on, and whenever it is Healthy and Synced at the seed's
// commit (while checking), whether the seed's resources are all Ready. An
// Application tracking nothing yet is Healthy too, which says nothing.
// Ready does not turn back to False here, so reading the resources after
// the Application is sound.
func (a *argoApp) record(ctx context.Context) {
	for ctx.Err() == nil {
		if u, err := a.get(ctx); err == nil {
			h, _, _ := unstructured.NestedString(u.Object, "status", "health", "status")
			sync, _, _ := unstructured.NestedString(u.Object, "status", "sync", "status")
			rev, _, _ := unstructured.NestedString(u.Object, "status", "sync", "revision")
			entry := h + "/" + sync
			a.mu.Lock()
			if h != "" && (len(a.seen) == 0 || a.seen[len(a.seen)-1] != entry) {
				a.seen = append(a.seen, entry)
			}
			check := a.checking && h == "Healthy" && sync == "Synced" && rev == a.seedRev
			a.mu.Unlock()
			if check {
				for _, r := range controlplane.LocalObjects {
					o, err := a.cp.Get(ctx, r.APIVersion, r.Kind, r.Namespace, r.Name)
					s := "missing"
					if err == nil {
						s, _, _ = controlplane.Condition(o, "Ready")
					}
					if s != "True" {
						a.mu.Lock()
						a.violations = append(a.violations, fmt.Sprintf("%s Ready=%s while the Application was Healthy and Synced", r, s))
						a.mu.Unlock()
					}
				}
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// stopChecking ends the check of the seed's readiness (its resources are
// about to change).
func (a *argoApp) stopChecking() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.checking = false
}

func (a *argoApp) failures() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.violations...)
}

func (a *argoApp) history() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.seen...)
}

// sawBefore reports whether health first appeared before then did.
func (a *argoApp) sawBefore(health, then string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, s := range a.seen {
		switch {
		case s == then:
			return false
		case strings.HasPrefix(s, health+"/"):
			return true
		}
	}
	return false
}

// refresh asks Argo CD to read git again now, as a push webhook would.
func (a *argoApp) refresh(t *testing.T, ctx context.Context) {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("argoproj.io/v1alpha1")
	u.SetKind("Application")
	u.SetNamespace(controlplane.ArgoCDNamespace)
	u.SetName(a.name)
	must(t, a.cp.Client.Patch(ctx, u, client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"annotations":{"argocd.argoproj.io/refresh":"normal"}}}`))))
}

// waitHealth waits until Argo CD has synced revision and reports the
// Application's health as want (and, for Healthy, Synced with git).
func (a *argoApp) waitHealth(t *testing.T, ctx context.Context, timeout time.Duration, want, revision string) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	state := ""
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if err := a.cp.Check(); err != nil {
			t.Fatal(err)
		}
		u, err := a.get(ctx)
		if err != nil {
			state = err.Error()
		} else {
			h, _, _ := unstructured.NestedString(u.Object, "status", "health", "status")
			sync, _, _ := unstructured.NestedString(u.Object, "status", "sync", "status")
			rev, _, _ := unstructured.NestedString(u.Object, "status", "sync", "revision")
			phase, _, _ := unstructured.NestedString(u.Object, "status", "operationState", "phase")
			msg, _, _ := unstructured.NestedString(u.Object, "status", "operationState", "message")
			state = fmt.Sprintf("health %s, sync %s at %.8s (want %.8s), operation %s: %s; conditions %v", h, sync, rev, revision, phase, msg, conditions(u))
			if h == want && rev == revision && (want != "Healthy" || sync == "Synced") {
				t.Logf("Application %s: %s", a.name, state)
				return
			}
		}
		time.Sleep(time.Second)
	}
	t.Fatalf("Application %s not %s at %.8s within %s: %s", a.name, want, revision, timeout, state)
}

func conditions(u *unstructured.Unstructured) []string {
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	var out []string
	for _, c := range cs {
		m, _ := c.(map[string]any)
		out = append(out, fmt.Sprintf("%v: %v", m["type"], m["message"]))
	}
	return out
}

type resourceHealth struct{ Status, Message string }

// resourceHealth is the health Argo CD assessed for one tracked resource
// (persisted in the Application: --persist-resource-health).
func (a *argoApp) resourceHealth(t *testing.T, ctx context.Context, kind, name string) resourceHealth {
	t.Helper()
	u, err := a.get(ctx)
	must(t, err)
	rs, _, _ := unstructured.NestedSlice(u.Object, "status", "resources")
	for _, r := range rs {
		m, _ := r.(map[string]any)
		if m["kind"] == kind && m["name"] == name {
			h, _ := m["health"].(map[string]any)
			s, _ := h["status"].(string)
			msg, _ := h["message"].(string)
			return resourceHealth{s, msg}
		}
	}
	t.Fatalf("the Application tracks no %s %s", kind, name)
	return resourceHealth{}
}

// checkResources compares what the Application tracks with want (as
// group/kind/namespace/name) and requires each to be Synced with git.
func (a *argoApp) checkResources(t *testing.T, ctx context.Context, want []string) {
	t.Helper()
	u, err := a.get(ctx)
	must(t, err)
	rs, _, _ := unstructured.NestedSlice(u.Object, "status", "resources")
	got := map[string]string{}
	for _, r := range rs {
		m, _ := r.(map[string]any)
		got[fmt.Sprintf("%v/%v/%v/%v", str(m["group"]), m["kind"], str(m["namespace"]), m["name"])], _ = m["status"].(string)
	}
	for _, w := range want {
		if s, ok := got[w]; !ok {
			t.Errorf("the Application does not track %s", w)
		} else if s != "Synced" {
			t.Errorf("%s is %s", w, s)
		}
		delete(got, w)
	}
	for k, s := range got {
		t.Errorf("the Application tracks %s (%s), which git does not hold", k, s)
	}
}

func str(v any) string { s, _ := v.(string); return s }
