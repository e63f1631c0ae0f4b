package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	xpextv2 "github.com/crossplane/crossplane/apis/v2/apiextensions/v2"
)

func crd(scope extv1.ResourceScope, cols []extv1.CustomResourceColumnDefinition, spec, status extv1.JSONSchemaProps) *extv1.CustomResourceDefinition {
	return &extv1.CustomResourceDefinition{
		ObjectMeta: metav1.ObjectMeta{Name: "widgets.example.org"},
		Spec: extv1.CustomResourceDefinitionSpec{
			Group: "example.org",
			Names: extv1.CustomResourceDefinitionNames{Kind: "Widget", ListKind: "WidgetList", Plural: "widgets", Singular: "widget", Categories: []string{"example"}},
			Scope: scope,
			Versions: []extv1.CustomResourceDefinitionVersion{{
				Name: "v1", Served: true, Storage: true,
				AdditionalPrinterColumns: cols,
				Schema: &extv1.CustomResourceValidation{OpenAPIV3Schema: &extv1.JSONSchemaProps{
					Type:         "object",
					Description:  "A Widget.",
					Required:     []string{"spec"},
					XValidations: extv1.ValidationRules{{Rule: "self.spec.a >= 0", Message: "spec.a must not be negative"}},
					Properties: map[string]extv1.JSONSchemaProps{
						"apiVersion": {Type: "string"},
						"kind":       {Type: "string"},
						"metadata":   {Type: "object"},
						"spec":       spec,
						"status":     status,
					},
				}},
			}},
		},
	}
}

var (
	spec   = extv1.JSONSchemaProps{Type: "object", Properties: map[string]extv1.JSONSchemaProps{"a": {Type: "integer"}}}
	status = extv1.JSONSchemaProps{Type: "object", Properties: map[string]extv1.JSONSchemaProps{"phase": {Type: "string"}}}
	phase  = []extv1.CustomResourceColumnDefinition{{Name: "PHASE", Type: "string", JSONPath: ".status.phase"}}
)

func TestConvert(t *testing.T) {
	type want struct {
		scope   xpextv2.CompositeResourceScope
		schema  map[string]any
		columns []extv1.CustomResourceColumnDefinition
		err     string
	}
	wantSchema := map[string]any{
		"type":        "object",
		"description": "A Widget.",
		"required":    []any{"spec"},
		"x-kubernetes-validations": []any{
			map[string]any{"rule": "self.spec.a >= 0", "message": "spec.a must not be negative"},
		},
		"properties": map[string]any{
			"spec":   map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "integer"}}},
			"status": map[string]any{"type": "object", "properties": map[string]any{"phase": map[string]any{"type": "string"}}},
		},
	}
	withField := func(p extv1.JSONSchemaProps, name string) extv1.JSONSchemaProps {
		p = *p.DeepCopy()
		p.Properties[name] = extv1.JSONSchemaProps{Type: "object"}
		return p
	}

	cases := map[string]struct {
		in   *extv1.CustomResourceDefinition
		want want
	}{
		"NamespacedKeepsSpecStatusAndRules": {
			in:   crd(extv1.NamespaceScoped, phase, spec, status),
			want: want{scope: xpextv2.CompositeResourceScopeNamespaced, schema: wantSchema, columns: phase},
		},
		"ClusterScoped": {
			in:   crd(extv1.ClusterScoped, nil, spec, status),
			want: want{scope: xpextv2.CompositeResourceScopeCluster, schema: wantSchema},
		},
		"CrossplaneColumnRejected": {
			in:   crd(extv1.NamespaceScoped, []extv1.CustomResourceColumnDefinition{{Name: "READY", Type: "string", JSONPath: ".status.x"}}, spec, status),
			want: want{err: `printer column "READY"`},
		},
		"StatusConditionsRejected": {
			in:   crd(extv1.NamespaceScoped, nil, spec, withField(status, "conditions")),
			want: want{err: "status.conditions is owned by Crossplane"},
		},
		"SpecCrossplaneRejected": {
			in:   crd(extv1.NamespaceScoped, nil, withField(spec, "crossplane"), status),
			want: want{err: "spec.crossplane is owned by Crossplane"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			xrd, err := Convert(tc.in)
			if tc.want.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want.err) {
					t.Fatalf("Convert(...): want error containing %q, got %v", tc.want.err, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Convert(...): %v", err)
			}
			if xrd.Spec.Scope != tc.want.scope {
				t.Errorf("scope: want %s, got %s", tc.want.scope, xrd.Spec.Scope)
			}
			if xrd.Spec.Names.ListKind != "" {
				t.Errorf("listKind: want empty so Crossplane derives it, got %q", xrd.Spec.Names.ListKind)
			}
			if got := xrd.Spec.DefaultCompositionRef; got == nil || got.Name != "widget" {
				t.Errorf("defaultCompositionRef: want widget, got %v", got)
			}
			v := xrd.Spec.Versions[0]
			if !v.Served || !v.Referenceable {
				t.Errorf("version: want served and referenceable, got %+v", v)
			}
			got := map[string]any{}
			if err := json.Unmarshal(v.Schema.OpenAPIV3Schema.Raw, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want.schema, got); diff != "" {
				t.Errorf("schema: -want, +got:\n%s", diff)
			}
			if diff := cmp.Diff(tc.want.columns, v.AdditionalPrinterColumns); diff != "" {
				t.Errorf("columns: -want, +got:\n%s", diff)
			}
		})
	}
}

func TestMarshalOmitsEmptyStatusAndTimestamp(t *testing.T) {
	xrd, err := Convert(crd(extv1.NamespaceScoped, nil, spec, status))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Marshal(xrd)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, noise := range []string{"creationTimestamp", "\nstatus:", "listKind"} {
		if strings.Contains(s, noise) {
			t.Errorf("output contains %q:\n%s", noise, s)
		}
	}
	for _, want := range []string{"apiVersion: apiextensions.crossplane.io/v2", "kind: CompositeResourceDefinition", "scope: Namespaced", "DO NOT EDIT"} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
}
