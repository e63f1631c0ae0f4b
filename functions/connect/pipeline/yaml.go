package pipeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"go.yaml.in/yaml/v3"
	"k8s.io/utils/lru"
)

// EnvRef is a value rivven-connect substitutes from its environment before
// it parses the file (FACTS §2.11): ${Var} or ${Var:-Default}.
type EnvRef struct {
	// Var is the environment variable name.
	Var string
	// Default is used by rivven-connect only when Var is unset.
	Default string
	// HasDefault writes the ${Var:-Default} form.
	HasDefault bool
	// Number is written as a plain scalar so the substituted text parses
	// as a number (ports); otherwise the reference is written as a literal
	// block scalar, so any substituted text without a line break stays one
	// string, whatever quotes, colons or hashes it contains.
	Number bool
}

// Tagged is a scalar with a YAML tag: how rivven-connect's YAML parser
// (serde_yaml) reads an enum variant with a value, such as a sink's
// start_offset: !timestamp "2024-01-01T00:00:00Z". The map form
// {timestamp: ...} is refused by the binary ("invalid type: map, expected a
// YAML tag starting with '!'"; test/connect).
type Tagged struct {
	Tag, Value string
}

// Text is the reference as it appears in the file.
func (r EnvRef) Text() string {
	if r.HasDefault {
		return "${" + r.Var + ":-" + r.Default + "}"
	}
	return "${" + r.Var + "}"
}

// renderedFiles holds recently rendered pipeline files by the SHA-256 of
// their YAML node tree. Crossplane calls the function for every
// RivvenConnect on every poll, almost always with an unchanged spec, and
// the YAML emitter is most of what such a call costs (docs/performance.md).
// The emitter's output depends on the node tree alone, so a hit returns the
// very bytes emitting would. The seed's connectors repeated to the 32
// sources and 32 sinks admission allows render 46 KB, so 256 such files
// hold about 12 MB.
var renderedFiles = lru.New(256) //nolint:gochecknoglobals // A process-wide cache; lru.Cache is safe for concurrent use.

// Render writes doc as YAML with sorted keys.
func Render(doc map[string]any) ([]byte, error) {
	n, err := toNode(doc)
	if err != nil {
		return nil, err
	}
	key := sha256.Sum256(appendNode(nil, n))
	if f, ok := renderedFiles.Get(key); ok {
		return bytes.Clone(f.([]byte)), nil
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		return nil, fmt.Errorf("cannot render pipeline file: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("cannot render pipeline file: %w", err)
	}
	renderedFiles.Add(key, bytes.Clone(buf.Bytes()))
	return buf.Bytes(), nil
}

// appendNode appends every field of n the emitter reads, and those of its
// descendants, length-prefixed so that no two trees encode alike.
func appendNode(b []byte, n *yaml.Node) []byte {
	b = binary.AppendUvarint(b, uint64(n.Kind))
	b = binary.AppendUvarint(b, uint64(n.Style))
	for _, s := range []string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(len(n.Content)))
	for _, c := range n.Content {
		b = appendNode(b, c)
	}
	return b
}

func toNode(v any) (*yaml.Node, error) {
	switch t := v.(type) {
	case map[string]any:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range slices.Sorted(maps.Keys(t)) {
			kn, err := scalarNode(k)
			if err != nil {
				return nil, err
			}
			vn, err := toNode(t[k])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", k, err)
			}
			n.Content = append(n.Content, kn, vn)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range t {
			en, err := toNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, en)
		}
		return n, nil
	case []string:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range t {
			en, err := scalarNode(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, en)
		}
		return n, nil
	case EnvRef:
		if t.Number {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t.Text()}, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t.Text(), Style: yaml.LiteralStyle}, nil
	case Tagged:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: t.Tag, Value: t.Value, Style: yaml.DoubleQuotedStyle}, nil
	case json.Number:
		if i, err := t.Int64(); err == nil {
			return toNode(i)
		}
		f, err := t.Float64()
		if err != nil {
			return nil, fmt.Errorf("invalid number %q", t.String())
		}
		return toNode(f)
	case string, bool, int, int32, int64, uint32, uint64, float64:
		return scalarNode(t)
	default:
		return nil, fmt.Errorf("unsupported value of type %T", v)
	}
}
