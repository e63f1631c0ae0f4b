package apiserver

import (
	"context"
	"errors"
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
// transition rule); the last must be rejected by validation (see
// rejectedByValidation) with an error that names field and contains every
// message substring.
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

// passed records, for the CEL coverage check, what every passing case
// asserted and the error it got.
var passed struct {
	mu    sync.Mutex
	cases []passedCase
}

type passedCase struct {
	messages []string // the case's header messages, all found in err
	err      string
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
	if !rejectedByValidation(err) {
		t.Fatalf("%s: want a validation error naming %s, got (%s %d): %v", describe(bad), c.field, apierrors.ReasonForError(err), code(err), err)
	}
	msg := err.Error()
	for _, want := range append([]string{c.field}, c.messages...) {
		if !strings.Contains(msg, want) {
			t.Fatalf("%s rejected, but the error does not contain %q:\n%s", describe(bad), want, msg)
		}
	}
	passed.mu.Lock()
	passed.cases = append(passed.cases, passedCase{messages: c.messages, err: msg})
	passed.mu.Unlock()
}

// celCoverage fails for every CEL rule of our schemas that no passing case
// pins down. A rule is covered by a case whose error carried the rule's whole
// message and whose header asserts part of it: without the rule, that case
// fails.
func celCoverage(t *testing.T) {
	passed.mu.Lock()
	cases := append([]passedCase(nil), passed.cases...)
	passed.mu.Unlock()
	covers := func(rule string) bool {
		for _, c := range cases {
			if !strings.Contains(c.err, rule) {
				continue
			}
			for _, m := range c.messages {
				if strings.Contains(rule, m) {
					return true
				}
			}
		}
		return false
	}
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
				if !covers(r.Message) {
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

// rejectedByValidation tells a rejection of the object's content from other
// failures (a missing kind, a conflict, a timeout). Invalid (422) comes from
// schema and CEL validation. Server-side apply refuses unknown fields, wrong
// types and duplicate set entries before validation runs, while building the
// typed patch; kube-apiserver 1.35 answers those with a 500 whose message
// starts "failed to create typed patch object" and names the field.
func rejectedByValidation(err error) bool {
	return apierrors.IsInvalid(err) || apierrors.IsBadRequest(err) ||
		(code(err) == 500 && strings.Contains(err.Error(), "failed to create typed patch object"))
}

// code is the HTTP status of an API error, 0 for others.
func code(err error) int32 {
	var s apierrors.APIStatus
	if errors.As(err, &s) {
		return s.Status().Code
	}
	return 0
}
