package controlplane

import (
	"context"
	"fmt"
	"strings"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rivven/crossplane-rivven/test/e2e/rbaccheck"
)

// A grant is one permission a user should hold: what a SubjectAccessReview
// asks about.
type grant struct {
	User  string
	Attrs authorizationv1.ResourceAttributes
}

func (g grant) String() string {
	a := g.Attrs
	res := a.Resource
	if a.Subresource != "" {
		res += "/" + a.Subresource
	}
	s := rbaccheck.Permission{Group: a.Group, Resource: res, Verb: a.Verb}.String()
	if a.Namespace != "" {
		s += " in " + a.Namespace
	}
	return s + " for " + g.User
}

// ruleGrants lists a permission for every verb, group and resource of the
// rules, in namespace ns ("" for cluster-wide). Rules on non-resource URLs
// are left out: no process of ours depends on them at start.
func ruleGrants(user, ns string, rules []rbacv1.PolicyRule) []grant {
	var out []grant
	for _, r := range rules {
		name := ""
		if len(r.ResourceNames) > 0 {
			name = r.ResourceNames[0]
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				resource, sub, _ := strings.Cut(res, "/")
				for _, v := range r.Verbs {
					out = append(out, grant{User: user, Attrs: authorizationv1.ResourceAttributes{
						Namespace: ns, Verb: v, Group: g, Resource: resource, Subresource: sub, Name: name,
					}})
				}
			}
		}
	}
	return out
}

// bindingGrants lists what the bindings among objs grant the
// ServiceAccounts they name, from the roles among objs. An aggregated
// ClusterRole grants the rules of the ClusterRoles among objs its selectors
// match: the API server authorizes them only once the aggregation
// controller has copied them into it.
func bindingGrants(objs []*unstructured.Unstructured) ([]grant, error) {
	roles := map[string][]rbacv1.PolicyRule{} // by kind/namespace/name
	var clusterRoles []*rbacv1.ClusterRole
	var bindings []*rbacv1.RoleBinding // a ClusterRoleBinding as one without namespace
	for _, u := range objs {
		switch u.GetKind() {
		case "ClusterRole":
			r := &rbacv1.ClusterRole{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, r); err != nil {
				return nil, fmt.Errorf("ClusterRole %s: %w", u.GetName(), err)
			}
			clusterRoles = append(clusterRoles, r)
		case "Role":
			r := &rbacv1.Role{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, r); err != nil {
				return nil, fmt.Errorf("Role %s: %w", u.GetName(), err)
			}
			roles["Role/"+r.Namespace+"/"+r.Name] = r.Rules
		case "ClusterRoleBinding", "RoleBinding":
			b := &rbacv1.RoleBinding{}
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, b); err != nil {
				return nil, fmt.Errorf("%s %s: %w", u.GetKind(), u.GetName(), err)
			}
			if u.GetKind() == "ClusterRoleBinding" {
				b.Namespace = ""
			}
			bindings = append(bindings, b)
		}
	}
	for _, r := range clusterRoles {
		rules := r.Rules
		if r.AggregationRule != nil {
			rules = nil
			for _, sel := range r.AggregationRule.ClusterRoleSelectors {
				s, err := metav1.LabelSelectorAsSelector(&sel)
				if err != nil {
					return nil, fmt.Errorf("ClusterRole %s: %w", r.Name, err)
				}
				for _, o := range clusterRoles {
					if o.Name != r.Name && s.Matches(labels.Set(o.Labels)) {
						rules = append(rules, o.Rules...)
					}
				}
			}
		}
		roles["ClusterRole//"+r.Name] = rules
	}
	var out []grant
	for _, b := range bindings {
		key := b.RoleRef.Kind + "/" + b.Namespace + "/" + b.RoleRef.Name
		if b.RoleRef.Kind == "ClusterRole" {
			key = "ClusterRole//" + b.RoleRef.Name
		}
		rules, ok := roles[key]
		if !ok {
			return nil, fmt.Errorf("binding %s refers to %s %s, which is not among the objects", b.Name, b.RoleRef.Kind, b.RoleRef.Name)
		}
		for _, s := range b.Subjects {
			if s.Kind != rbacv1.ServiceAccountKind {
				continue
			}
			out = append(out, ruleGrants(ServiceAccountUser(s.Namespace, s.Name), b.Namespace, rules)...)
		}
	}
	return out, nil
}

// waitAuthorized waits until the API server allows every grant. Its
// authorizer reads roles and bindings through informers, so RBAC just
// written is in effect a moment later; on a cluster, the pods that use it
// start long after `helm install` wrote it. A process of ours started at
// once could be refused its first requests, which is no missing
// permission.
func (c *ControlPlane) waitAuthorized(ctx context.Context, what string, grants []grant) error {
	pending := grants
	return poll(ctx, time.Minute, what+" in effect", c.logf, func(ctx context.Context) (bool, string, error) {
		// A grant once allowed stays allowed: ask again only about the rest.
		var still []grant
		for _, g := range pending {
			ns, _, _ := strings.Cut(strings.TrimPrefix(g.User, "system:serviceaccount:"), ":")
			sar := &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User:               g.User,
				Groups:             []string{"system:serviceaccounts", "system:serviceaccounts:" + ns, "system:authenticated"},
				ResourceAttributes: g.Attrs.DeepCopy(),
			}}
			if err := c.Client.Create(ctx, sar); err != nil {
				return false, "", fmt.Errorf("SubjectAccessReview %s: %w", g, err)
			}
			if !sar.Status.Allowed {
				still = append(still, g)
			}
		}
		if pending = still; len(pending) > 0 {
			return false, fmt.Sprintf("%d of %d not allowed yet, as %s", len(pending), len(grants), pending[0]), nil
		}
		return true, "", nil
	})
}

// waitCrossplaneAuthorized waits until the RBAC manager has written the
// roles that give Crossplane our XRs and the provider's kinds, and the API
// server authorizes what every role aggregated to Crossplane grants. Until
// then, a composite applied would be refused its first composed
// ProviderConfig; Crossplane would retry, but the audit check could no
// longer tell that refusal from a missing permission.
func (c *ControlPlane) waitCrossplaneAuthorized(ctx context.Context) error {
	xrds := &unstructured.UnstructuredList{}
	xrds.SetAPIVersion("apiextensions.crossplane.io/v2")
	xrds.SetKind("CompositeResourceDefinitionList")
	if err := c.Client.List(ctx, xrds); err != nil {
		return err
	}
	want := []string{"crossplane:provider:" + c.providerSA + ":aggregate-to-edit"}
	for _, x := range xrds.Items {
		want = append(want, "crossplane:composite:"+x.GetName()+":aggregate-to-crossplane")
	}
	var grants []grant
	if err := poll(ctx, 2*time.Minute, "the RBAC manager's roles for Crossplane", c.logf, func(ctx context.Context) (bool, string, error) {
		l := &rbacv1.ClusterRoleList{}
		if err := c.Client.List(ctx, l, client.MatchingLabels{"rbac.crossplane.io/aggregate-to-crossplane": "true"}); err != nil {
			return false, err.Error(), nil
		}
		have := map[string]bool{}
		grants = nil
		for _, r := range l.Items {
			have[r.Name] = true
			grants = append(grants, ruleGrants(CrossplaneUser, "", r.Rules)...)
		}
		for _, w := range want {
			if !have[w] {
				return false, "no ClusterRole " + w, nil
			}
		}
		return true, "", nil
	}); err != nil {
		return err
	}
	return c.waitAuthorized(ctx, "the roles aggregated to Crossplane", grants)
}
