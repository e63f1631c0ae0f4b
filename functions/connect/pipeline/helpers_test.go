package pipeline

import (
	"encoding/json"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

var testBroker = Broker{BootstrapServers: []string{"rivven-production.default.svc:9092"}}

func ptr[T any](v T) *T { return &v }

func rawJSON(t *testing.T, v any) *apiextensionsv1.JSON {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return &apiextensionsv1.JSON{Raw: b}
}

// parse reads a pipeline file back the way serde_yaml would see it
// before env expansion. A scalar with a local tag (!timestamp "...") is
// how serde_yaml spells an enum variant with a value; it reads back as
// {"!timestamp": "..."}.
func parse(t *testing.T, file []byte) map[string]any {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal(file, &doc); err != nil {
		t.Fatalf("pipeline file is not YAML: %v\n%s", err, file)
	}
	tagsAsVariants(&doc)
	out := map[string]any{}
	if err := doc.Decode(&out); err != nil {
		t.Fatalf("pipeline file is not a mapping: %v\n%s", err, file)
	}
	return out
}

// tagsAsVariants turns each scalar with a local tag into a one-entry
// mapping from the tag to the value.
func tagsAsVariants(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && len(n.Tag) > 1 && n.Tag[0] == '!' && n.Tag[1] != '!' {
		tag, val := n.Tag, *n
		val.Tag = "!!str"
		*n = yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: tag}, &val}}
		return
	}
	for _, c := range n.Content {
		tagsAsVariants(c)
	}
}

// envVar is rivven-connect's expansion syntax (FACTS §2.11).
var envVar = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}`)

// expand emulates rivven-connect: substitute in the raw text, before
// parsing; a set variable wins, an unset one takes its default or "".
func expand(file []byte, env map[string]string) []byte {
	return envVar.ReplaceAllFunc(file, func(m []byte) []byte {
		g := envVar.FindSubmatch(m)
		if v, ok := env[string(g[1])]; ok {
			return []byte(v)
		}
		return g[3]
	})
}

func get(t *testing.T, m map[string]any, path ...string) any {
	t.Helper()
	var cur any = m
	for _, p := range path {
		mm, ok := cur.(map[string]any)
		if !ok {
			t.Fatalf("%v: %q is not under a map", path, p)
		}
		cur, ok = mm[p]
		if !ok {
			t.Fatalf("%v: no key %q", path, p)
		}
	}
	return cur
}

func oneSource(s v1alpha1.SourceConnectorSpec) Input {
	return Input{Spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{s}}, Broker: testBroker}
}

func oneSink(s v1alpha1.SinkConnectorSpec) Input {
	return Input{Spec: v1alpha1.RivvenConnectSpec{Sinks: []v1alpha1.SinkConnectorSpec{s}}, Broker: testBroker}
}
