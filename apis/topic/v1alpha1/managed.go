package v1alpha1

import (
	"github.com/crossplane/crossplane-runtime/v2/pkg/resource"

	xpv2 "github.com/crossplane/crossplane/apis/v2/core/v2"
)

// These method sets make RivvenTopic a crossplane-runtime ModernManaged
// resource. They are written by hand because angryjet recognises the
// common types only under crossplane-runtime's own apis package, not under
// github.com/crossplane/crossplane/apis/v2/core/v2 where they now live.

var (
	_ resource.ModernManaged = &RivvenTopic{}
	_ resource.ManagedList   = &RivvenTopicList{}
)

// GetCondition of this RivvenTopic.
func (t *RivvenTopic) GetCondition(ct xpv2.ConditionType) xpv2.Condition {
	return t.Status.GetCondition(ct)
}

// SetConditions of this RivvenTopic.
func (t *RivvenTopic) SetConditions(c ...xpv2.Condition) {
	t.Status.SetConditions(c...)
}

// GetManagementPolicies of this RivvenTopic.
func (t *RivvenTopic) GetManagementPolicies() xpv2.ManagementPolicies {
	return t.Spec.ManagementPolicies
}

// SetManagementPolicies of this RivvenTopic.
func (t *RivvenTopic) SetManagementPolicies(p xpv2.ManagementPolicies) {
	t.Spec.ManagementPolicies = p
}

// GetProviderConfigReference of this RivvenTopic.
func (t *RivvenTopic) GetProviderConfigReference() *xpv2.ProviderConfigReference {
	return t.Spec.ProviderConfigReference
}

// SetProviderConfigReference of this RivvenTopic.
func (t *RivvenTopic) SetProviderConfigReference(r *xpv2.ProviderConfigReference) {
	t.Spec.ProviderConfigReference = r
}

// GetWriteConnectionSecretToReference of this RivvenTopic.
func (t *RivvenTopic) GetWriteConnectionSecretToReference() *xpv2.LocalSecretReference {
	return t.Spec.WriteConnectionSecretToReference
}

// SetWriteConnectionSecretToReference of this RivvenTopic.
func (t *RivvenTopic) SetWriteConnectionSecretToReference(r *xpv2.LocalSecretReference) {
	t.Spec.WriteConnectionSecretToReference = r
}

// GetItems of this RivvenTopicList.
func (l *RivvenTopicList) GetItems() []resource.Managed {
	items := make([]resource.Managed, len(l.Items))
	for i := range l.Items {
		items[i] = &l.Items[i]
	}
	return items
}
