package harness

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

// Redaction replaces one field of one rendered object with a placeholder,
// for a value that is random by design (for example a token generated on
// first create). The field must be present: redaction hides the value, not
// its absence.
type Redaction struct {
	Kind  string `json:"kind"`
	Name  string `json:"name"`
	Field string `json:"field"` // Dot-separated, e.g. data.cluster-auth-token.
}

// Redacted is what a redacted field holds in normalized output.
const Redacted = "REDACTED"

// crossplaneEvent matches the Results Crossplane itself adds per composed
// resource. Crossplane emits them in map order, so their order carries no
// meaning and differs between runs.
var crossplaneEvent = regexp.MustCompile(`^Composed resource ".*" is not yet (ready|valid)$`)

type doc struct {
	raw string
	obj map[string]any
}

func (d doc) str(field string) string {
	s, _ := d.obj[field].(string)
	return s
}

func (d doc) name() string {
	m, _ := d.obj["metadata"].(map[string]any)
	s, _ := m["name"].(string)
	return s
}

// splitDocs splits the renderer's output, a stream of documents each
// introduced by a "---" line.
func splitDocs(out []byte) ([]doc, error) {
	var docs []doc
	for i, part := range strings.Split("\n"+string(out), "\n---\n") {
		if i == 0 {
			if strings.TrimSpace(part) != "" {
				return nil, fmt.Errorf("renderer output does not start with ---: %q", part)
			}
			continue
		}
		d := doc{raw: part}
		if err := yaml.Unmarshal([]byte(part), &d.obj); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		docs = append(docs, d)
	}
	return docs, nil
}

// Normalize makes renderer output comparable across runs: it sorts each run
// of Crossplane's own per-resource Results by message and applies the
// redactions. Everything else keeps the renderer's bytes.
func Normalize(out []byte, redactions []Redaction) ([]byte, error) {
	docs, err := splitDocs(out)
	if err != nil {
		return nil, err
	}
	isEvent := func(d doc) bool { return d.str("kind") == "Result" && crossplaneEvent.MatchString(d.str("message")) }
	for i := 0; i < len(docs); {
		j := i
		for j < len(docs) && isEvent(docs[j]) {
			j++
		}
		if j == i {
			i++
			continue
		}
		run := docs[i:j]
		sort.SliceStable(run, func(a, b int) bool { return run[a].str("message") < run[b].str("message") })
		i = j
	}
	for _, r := range redactions {
		if err := redact(docs, r); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	for _, d := range docs {
		buf.WriteString("---\n")
		buf.WriteString(strings.TrimSuffix(d.raw, "\n"))
		buf.WriteString("\n")
	}
	return buf.Bytes(), nil
}

func redact(docs []doc, r Redaction) error {
	path := strings.Split(r.Field, ".")
	for i, d := range docs {
		if d.str("kind") != r.Kind || d.name() != r.Name {
			continue
		}
		m := d.obj
		for _, k := range path[:len(path)-1] {
			next, ok := m[k].(map[string]any)
			if !ok {
				return fmt.Errorf("redact %s %s: no field %s", r.Kind, r.Name, r.Field)
			}
			m = next
		}
		if _, ok := m[path[len(path)-1]]; !ok {
			return fmt.Errorf("redact %s %s: no field %s", r.Kind, r.Name, r.Field)
		}
		m[path[len(path)-1]] = Redacted
		b, err := yaml.Marshal(d.obj)
		if err != nil {
			return err
		}
		docs[i].raw = string(b)
		return nil
	}
	return fmt.Errorf("redact: the output has no %s %s", r.Kind, r.Name)
}
