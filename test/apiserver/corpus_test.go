package apiserver

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	extv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

const (
	corpusDir = "corpus"
	ourGroup  = "rivven.io"
)

// invalidCase is one file of the invalid-spec corpus. Every document but the
// last is applied first and must be accepted (the starting point of a
// transition rule); the last must be rejected as Invalid with an error that
// names field and contains every message substring.
type invalidCase struct {
	file     string
	field    string
	messages []string
}

func readInvalidCase(file string) (invalidCase, error) {
	h, err := headerValues(file)
	if err != nil {
		return invalidCase{}, err
	}
	c := invalidCase{file: file, messages: h["message"]}
	if len(h["field"]) != 1 || h["field"][0] == "" {
		return c, fmt.Errorf("%s: want exactly one \"# field: spec.path\" header line", file)
	}
	c.field = h["field"][0]
	return c, nil
}

// rejections records every corpus rejection message, for the CEL coverage check.
var rejections struct {
	mu   sync.Mutex
	msgs []string
}

// TestInvalidCorpus applies every case under corpus/ (see corpus/README.md).
func TestInvalidCorpus(t *testing.T) {
	files, err := yamlFiles(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no cases under %s", corpusDir)
	}
	for _, f := range files {
		rel, _ := filepath.Rel(corpusDir, f)
		t.Run(rel, func(t *testing.T) { runInvalidCase(t, f) })
	}
	t.Run("every CEL rule is exercised", func(t *testing.T) { celCoverage(t) })
}

func runInvalidCase(t *testing.T, f string) {
	c, err := readInvalidCase(f)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := readObjects(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) == 0 {
		t.Fatal("no objects")
	}
	ns := namespace(t, nil)
	for _, o := range objs {
		if err := place(o, ns); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	for _, o := range objs[:len(objs)-1] {
		got, err := apply(ctx, o)
		if err != nil {
			t.Fatalf("setup: %s rejected: %v", describe(o), err)
		}
		cleanupObject(t, got)
	}
	bad := objs[len(objs)-1]
	got, err := apply(ctx, bad)
	if err == nil {
		cleanupObject(t, got)
		t.Fatalf("%s accepted; want it rejected naming %s", describe(bad), c.field)
	}
	if !apierrors.IsInvalid(err) {
		t.Fatalf("%s: want an Invalid error naming %s, got: %v", describe(bad), c.field, err)
	}
	msg := err.Error()
	rejections.mu.Lock()
	rejections.msgs = append(rejections.msgs, msg)
	rejections.mu.Unlock()
	for _, want := range append([]string{c.field}, c.messages...) {
		if !strings.Contains(msg, want) {
			t.Errorf("%s rejected, but the error does not contain %q:\n%s", describe(bad), want, msg)
		}
	}
}

// celCoverage fails for every CEL rule of our schemas whose message no corpus
// rejection carried: removing that rule would not fail any case.
func celCoverage(t *testing.T) {
	rejections.mu.Lock()
	all := strings.Join(rejections.msgs, "\n")
	rejections.mu.Unlock()
	var uncovered []string
	for _, crd := range crds {
		if crd.Spec.Group != ourGroup {
			continue // third-party CRDs, such as ServiceMonitor
		}
		for _, v := range crd.Spec.Versions {
			if v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			for _, r := range celRules(v.Schema.OpenAPIV3Schema, "") {
				if r.Message == "" {
					uncovered = append(uncovered, fmt.Sprintf("%s %s: rule %q has no message to match", crd.Name, v.Name, r.Rule))
					continue
				}
				if !strings.Contains(all, r.Message) {
					uncovered = append(uncovered, fmt.Sprintf("%s %s: %q", crd.Name, v.Name, r.Message))
				}
			}
		}
	}
	sort.Strings(uncovered)
	for _, u := range uncovered {
		t.Errorf("no corpus case exercises CEL rule %s", u)
	}
	if len(uncovered) > 0 {
		t.Logf("add a case under test/apiserver/%s (see README.md there)", corpusDir)
	}
}

// celRules lists the x-kubernetes-validations of a schema and its descendants.
func celRules(s *extv1.JSONSchemaProps, path string) []extv1.ValidationRule {
	if s == nil {
		return nil
	}
	out := append([]extv1.ValidationRule(nil), s.XValidations...)
	keys := make([]string, 0, len(s.Properties))
	for k := range s.Properties {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p := s.Properties[k]
		out = append(out, celRules(&p, path+"."+k)...)
	}
	if s.Items != nil && s.Items.Schema != nil {
		out = append(out, celRules(s.Items.Schema, path+"[]")...)
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		out = append(out, celRules(s.AdditionalProperties.Schema, path+"{}")...)
	}
	return out
}
