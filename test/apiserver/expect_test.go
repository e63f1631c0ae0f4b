package apiserver

import (
	"fmt"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// expectation is a "# expect: Kind path = value" header line: after apply,
// the object of that kind holds value (YAML) at path. Kind may be left out
// when the file holds one kind only.
type expectation struct {
	kind  string
	path  string
	value any
	raw   string
}

func readExpectations(file string) ([]expectation, error) {
	h, err := headerValues(file)
	if err != nil {
		return nil, err
	}
	var out []expectation
	for _, line := range h["expect"] {
		lhs, rhs, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("%s: expect %q: want [Kind] path = value", file, line)
		}
		e := expectation{raw: line}
		f := strings.Fields(lhs)
		switch len(f) {
		case 1:
			e.path = f[0]
		case 2:
			e.kind, e.path = f[0], f[1]
		default:
			return nil, fmt.Errorf("%s: expect %q: want [Kind] path = value", file, line)
		}
		if err := yaml.Unmarshal([]byte(strings.TrimSpace(rhs)), &e.value); err != nil {
			return nil, fmt.Errorf("%s: expect %q: value: %w", file, line, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// checkExpectations checks every expectation against the stored objects of its
// kind; an expectation that matches no object is an error, not a pass.
func checkExpectations(t *testing.T, exps []expectation, stored []*unstructured.Unstructured) {
	t.Helper()
	for _, e := range exps {
		matched := false
		for _, got := range stored {
			if e.kind == "" || e.kind == got.GetKind() {
				matched = true
				e.check(t, got)
			}
		}
		if !matched {
			t.Errorf("expect: %s: no object of kind %q was stored", e.raw, e.kind)
		}
	}
}

func (e expectation) check(t *testing.T, got *unstructured.Unstructured) {
	t.Helper()
	v, ok := lookup(got.Object, e.path)
	if !ok {
		t.Errorf("%s: %s is not set; want %v (expect: %s)", describe(got), e.path, e.value, e.raw)
		return
	}
	if d := missing(e.value, v, e.path); len(d) > 0 {
		t.Errorf("%s: %s = %v; want %v (expect: %s)", describe(got), e.path, v, e.value, e.raw)
	}
}
