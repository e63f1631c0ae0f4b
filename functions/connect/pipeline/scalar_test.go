package pipeline

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
)

// TestScalarNodeMatchesEncode holds the shortcut to what yaml.Node.Encode
// builds, for the words it shortcuts and for the look-alikes it must not.
func TestScalarNodeMatchesEncode(t *testing.T) {
	values := []any{
		"topic", "cdc.events", "rivven_cdc_slot", "s3-archive", "a/b", "Z9", "x.y-z_1/2",
		"true", "True", "FALSE", "null", "NULL", "yes", "No", "on", "OFF", "y", "N", "~", "",
		"123", "1e3", "0x1F", "0o17", ".inf", "-.inf", ".nan", "1:20", "2024-01-01", "12:30:45",
		"a b", "a: b", "#x", "a#b", "-a", "*a", "&a", "!a", "%a", "@a", "`a", "'a", "\"a",
		"a\nb", "é", "ab\x80", "<<", "a,b", "[a]", "{a}", "a?", "? a", "- a",
		true, false, 0, -1, 42, int32(-7), int64(math.MaxInt64), int64(math.MinInt64), uint32(7), uint64(math.MaxUint64),
		1.5, 0.0, float64(10000),
	}
	for _, v := range values {
		want := &yaml.Node{}
		if err := want.Encode(v); err != nil {
			t.Fatalf("Encode(%#v): %v", v, err)
		}
		got, err := scalarNode(v)
		if err != nil {
			t.Fatalf("scalarNode(%#v): %v", v, err)
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("scalarNode(%#v) (-Encode +scalarNode):\n%s", v, d)
		}
	}
}
