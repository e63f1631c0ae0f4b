package controlplane

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// providerServiceAccount gives the provider the identity Crossplane's
// Deployment runtime gives it: a ServiceAccount named after the active
// ProviderRevision and a Deployment controlled by that revision whose pods
// run as it. Crossplane's RBAC manager finds the ServiceAccount through the
// Deployment and binds the revision's system ClusterRole to it, which is all
// the provider is granted. The Deployment has no replicas: the provider runs
// as a local process (there is no container runtime to run its image) with a
// token of that ServiceAccount, whose kubeconfig this returns.
func (c *ControlPlane) providerServiceAccount(ctx context.Context) (string, error) {
	var rev *unstructured.Unstructured
	if err := poll(ctx, 2*time.Minute, "active ProviderRevision of provider-rivven", c.logf, func(ctx context.Context) (bool, string, error) {
		l := &unstructured.UnstructuredList{}
		l.SetAPIVersion("pkg.crossplane.io/v1")
		l.SetKind("ProviderRevisionList")
		if err := c.Client.List(ctx, l, client.MatchingLabels{"pkg.crossplane.io/package": c.Build.Name("provider-rivven")}); err != nil {
			return false, err.Error(), nil
		}
		for i := range l.Items {
			if st, _, _ := unstructured.NestedString(l.Items[i].Object, "spec", "desiredState"); st == "Active" {
				rev = &l.Items[i]
				return true, "", nil
			}
		}
		return false, fmt.Sprintf("%d revisions, none active", len(l.Items)), nil
	}); err != nil {
		return "", err
	}
	name := rev.GetName()
	c.providerSA = name
	owner := metav1.OwnerReference{
		APIVersion: "pkg.crossplane.io/v1", Kind: "ProviderRevision", Name: name, UID: rev.GetUID(),
		Controller: ptr.To(true), BlockOwnerDeletion: ptr.To(true),
	}
	labels := map[string]string{"pkg.crossplane.io/revision": name}
	for _, o := range []client.Object{
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: crossplaneNamespace, OwnerReferences: []metav1.OwnerReference{owner}}},
		&appsv1.Deployment{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: crossplaneNamespace, OwnerReferences: []metav1.OwnerReference{owner}},
			Spec: appsv1.DeploymentSpec{
				Replicas: ptr.To[int32](0),
				Selector: &metav1.LabelSelector{MatchLabels: labels},
				Template: corev1.PodTemplateSpec{
					ObjectMeta: metav1.ObjectMeta{Labels: labels},
					Spec: corev1.PodSpec{
						ServiceAccountName: name,
						Containers:         []corev1.Container{{Name: "package-runtime", Image: c.Build.Ref("provider-rivven")}},
					},
				},
			},
		},
	} {
		if err := c.Client.Create(ctx, o); err != nil {
			return "", fmt.Errorf("create %T %s: %w", o, name, err)
		}
	}
	role := "crossplane:provider:" + name + ":system"
	subject := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Namespace: crossplaneNamespace, Name: name}
	r := &rbacv1.ClusterRole{}
	if err := poll(ctx, 2*time.Minute, "the RBAC manager binds "+role+" to ServiceAccount "+name, c.logf, func(ctx context.Context) (bool, string, error) {
		if err := c.Check(); err != nil {
			return false, "", err
		}
		b := &rbacv1.ClusterRoleBinding{}
		if err := c.Client.Get(ctx, client.ObjectKey{Name: role}, b); err != nil {
			return false, err.Error(), nil
		}
		if !slices.Contains(b.Subjects, subject) {
			return false, fmt.Sprintf("subjects %v", b.Subjects), nil
		}
		if err := c.Client.Get(ctx, client.ObjectKey{Name: role}, r); err != nil {
			return false, err.Error(), nil
		}
		for _, rule := range r.Rules {
			if slices.Contains(rule.Resources, "rivventopics") {
				return true, "", nil
			}
		}
		var have []string
		for _, rule := range r.Rules {
			have = append(have, strings.Join(rule.Resources, ","))
		}
		return false, "role grants " + strings.Join(have, "; "), nil
	}); err != nil {
		return "", err
	}
	if err := c.waitAuthorized(ctx, "ClusterRole "+role, ruleGrants(ServiceAccountUser(crossplaneNamespace, name), "", r.Rules)); err != nil {
		return "", err
	}
	return c.serviceAccountKubeconfig(ctx, crossplaneNamespace, name)
}

// ProviderUser is the user provider-rivven acts as, once started.
func (c *ControlPlane) ProviderUser() string {
	return ServiceAccountUser(crossplaneNamespace, c.providerSA)
}
