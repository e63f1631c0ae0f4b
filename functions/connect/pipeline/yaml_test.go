package pipeline

import (
	"bytes"
	"encoding/json"
	"testing"

	"go.yaml.in/yaml/v3"
)

// emit renders doc without the cache, as Render did before it had one.
func emit(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	n, err := toNode(doc)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		t.Fatal(err)
	}
	if err := enc.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestRenderCache: documents that differ only in how a value is typed or
// written must never share a cached file, a cached file is the emitted one,
// and callers cannot change what the cache holds.
func TestRenderCache(t *testing.T) {
	look := func(v any) map[string]any {
		return map[string]any{"version": "1.0", "sources": map[string]any{"a": map[string]any{"config": map[string]any{"v": v}}}}
	}
	docs := map[string]map[string]any{
		"Int":            look(1),
		"Float":          look(1.5),
		"JSONNumber":     look(json.Number("2.50")),
		"String":         look("1"),
		"Bool":           look(true),
		"BoolWord":       look("true"),
		"EnvRef":         look(EnvRef{Var: "PORT"}),
		"EnvRefNumber":   look(EnvRef{Var: "PORT", Number: true}),
		"EnvRefDefault":  look(EnvRef{Var: "PORT", Default: "5432", HasDefault: true}),
		"List":           look([]string{"a", "b"}),
		"ListOfOne":      look([]string{"a b"}),
		"KeyWithNewline": {"version": "1.0", "a\nb": "c"},
	}
	for pass := range 2 {
		seen := map[string]string{}
		for name, doc := range docs {
			got, err := Render(doc)
			if err != nil {
				t.Fatal(err)
			}
			if want := emit(t, doc); !bytes.Equal(got, want) {
				t.Errorf("pass %d, %s: Render =\n%s\nwant the emitted\n%s", pass, name, got, want)
			}
			if other, ok := seen[string(got)]; ok {
				t.Errorf("pass %d: %s and %s render alike:\n%s", pass, name, other, got)
			}
			seen[string(got)] = name
			for i := range got {
				got[i] = 'x'
			}
		}
	}
	if n := renderedFiles.Len(); n < len(docs) {
		t.Errorf("the cache holds %d files, want at least %d", n, len(docs))
	}
}
