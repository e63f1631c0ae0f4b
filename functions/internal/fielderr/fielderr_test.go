package fielderr

import "testing"

func TestJoin(t *testing.T) {
	if Join(nil, nil) != nil {
		t.Error("Join of nothing must be nil")
	}
	err := Join(New("spec.a", "bad %d", 1), nil, New("spec.b", "worse"))
	if got, want := err.Error(), "spec.a: bad 1\nspec.b: worse"; got != want {
		t.Errorf("Join() = %q, want %q", got, want)
	}
}
