package apiserver

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/crossplane/crossplane-runtime/v2/pkg/xcrd"
	xpv1 "github.com/crossplane/crossplane/apis/v2/apiextensions/v1"
	xpv2 "github.com/crossplane/crossplane/apis/v2/apiextensions/v2"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"sigs.k8s.io/yaml"
)

// xrdCRDs derives, for every XRD file, the CRD Crossplane would install for its
// composite resource.
func xrdCRDs(files []string) ([]*extv1.CustomResourceDefinition, error) {
	var out []*extv1.CustomResourceDefinition
	for _, f := range files {
		xrd, err := readXRD(f)
		if err != nil {
			return nil, err
		}
		crd, err := xcrd.ForCompositeResource(xrd)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		// Crossplane makes the XRD the CRD's controller; there is no XRD object
		// (nor its UID) here, and the API server rejects an owner without a UID.
		crd.SetOwnerReferences(nil)
		out = append(out, crd)
	}
	return out, nil
}

// readXRD reads an apiextensions.crossplane.io/v2 XRD and returns it as the v1
// type xcrd works on. Crossplane serves both versions from one stored object
// without conversion: the fields match, only the scope's default differs
// (v2: Namespaced, v1: LegacyCluster), so it is made explicit here.
func readXRD(path string) (*xpv1.CompositeResourceDefinition, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	v2 := &xpv2.CompositeResourceDefinition{}
	if err := yaml.UnmarshalStrict(b, v2); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if v2.APIVersion != xpv2.SchemeGroupVersion.String() || v2.Kind != xpv2.CompositeResourceDefinitionKind {
		return nil, fmt.Errorf("%s: want %s %s, got %s %s", path,
			xpv2.SchemeGroupVersion, xpv2.CompositeResourceDefinitionKind, v2.APIVersion, v2.Kind)
	}
	scope := v2.Spec.Scope
	if scope == "" {
		scope = xpv2.CompositeResourceScopeNamespaced
	}
	j, err := json.Marshal(v2)
	if err != nil {
		return nil, err
	}
	v1 := &xpv1.CompositeResourceDefinition{}
	if err := json.Unmarshal(j, v1); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	s := xpv1.CompositeResourceScope(scope)
	v1.Spec.Scope = &s
	v1.APIVersion = xpv1.SchemeGroupVersion.String()
	return v1, nil
}

// readCRDs reads CustomResourceDefinitions, one or more per file.
func readCRDs(files []string) ([]*extv1.CustomResourceDefinition, error) {
	var out []*extv1.CustomResourceDefinition
	for _, f := range files {
		objs, err := readObjects(f)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if o.GetKind() != "CustomResourceDefinition" {
				return nil, fmt.Errorf("%s: %s is not a CustomResourceDefinition", f, o.GetKind())
			}
			j, err := o.MarshalJSON()
			if err != nil {
				return nil, err
			}
			crd := &extv1.CustomResourceDefinition{}
			if err := json.Unmarshal(j, crd); err != nil {
				return nil, fmt.Errorf("%s: %w", f, err)
			}
			out = append(out, crd)
		}
	}
	return out, nil
}
