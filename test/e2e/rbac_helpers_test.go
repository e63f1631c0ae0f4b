package e2e

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/rivven/crossplane-rivven/test/e2e/controlplane"
	"github.com/rivven/crossplane-rivven/test/e2e/rbaccheck"
)

// testRBAC checks, from the API server's audit log of the whole scenario,
// that Crossplane and the provider ran on the RBAC a real installation gives
// them: no request of theirs was forbidden, every permission
// compositions/rbac.yaml grants was used, and none is one Crossplane already
// holds from its chart or its RBAC manager (removing it could then not fail
// anything). The provider is granted only what the RBAC manager gives every
// provider for its own kinds: it requests nothing more, and none of its
// requests may be refused.
func testRBAC(t *testing.T, ctx context.Context, cp *controlplane.ControlPlane, root string) {
	reqs, err := cp.AuditRequests()
	must(t, err)
	byUser := map[string][]rbaccheck.Request{}
	for _, r := range reqs {
		byUser[r.User] = append(byUser[r.User], r)
	}

	ours := readClusterRole(t, filepath.Join(root, "compositions", "rbac.yaml"))
	aggregated := &rbacv1.ClusterRoleList{}
	must(t, cp.Client.List(ctx, aggregated, client.MatchingLabels{"rbac.crossplane.io/aggregate-to-crossplane": "true"}))
	others := map[string][]rbacv1.PolicyRule{}
	found := false
	for _, r := range aggregated.Items {
		if r.Name == ours.Name {
			found = true
			continue
		}
		others[r.Name] = r.Rules
	}
	if !found {
		t.Fatalf("ClusterRole %s is not among the roles aggregated to Crossplane", ours.Name)
	}

	users := []struct {
		user  string
		rules []rbacv1.PolicyRule
	}{
		{controlplane.CrossplaneUser, ours.Rules},
		{cp.ProviderUser(), nil},
		{controlplane.ServiceAccountUser("crossplane-system", "rbac-manager"), nil},
	}
	// The tables first, the problems last: a failure's cause is then at
	// the end of the output, where a truncated CI log still shows it.
	var problems []string
	for _, u := range users {
		if len(byUser[u.user]) == 0 {
			problems = append(problems, "the audit log holds no request of "+u.user)
			continue
		}
		rep := rbaccheck.Check(byUser[u.user], u.rules, others)
		t.Logf("%s: %d requests; permissions used:\n%s", u.user, len(byUser[u.user]), rep.Table())
		for _, p := range rep.Problems() {
			problems = append(problems, u.user+": "+p)
		}
	}
	lines, err := cp.ForbiddenInLogs()
	must(t, err)
	for _, l := range lines {
		problems = append(problems, "forbidden in a log: "+l)
	}
	for _, p := range problems {
		t.Error(p)
	}
}

func readClusterRole(t *testing.T, path string) *rbacv1.ClusterRole {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	r := &rbacv1.ClusterRole{}
	must(t, yaml.UnmarshalStrict(b, r))
	if r.Kind != "ClusterRole" || len(r.Rules) == 0 {
		t.Fatalf("%s: want one ClusterRole with rules, got kind %q with %d rules", path, r.Kind, len(r.Rules))
	}
	return r
}
