package schematest

import (
	"os"
	"testing"

	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/yaml"
)

// Parse decodes a YAML object with integral numbers as int64, as the API
// server does; CEL rules need them that way.
func Parse(t testing.TB, y []byte) map[string]any {
	t.Helper()
	j, err := yaml.YAMLToJSON(y)
	if err != nil {
		t.Fatal(err)
	}
	obj := map[string]any{}
	if err := utiljson.Unmarshal(j, &obj); err != nil {
		t.Fatal(err)
	}
	return obj
}

// ReadFile parses the YAML object in path as Parse does.
func ReadFile(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path) //nolint:gosec // Test fixtures.
	if err != nil {
		t.Fatal(err)
	}
	return Parse(t, b)
}
