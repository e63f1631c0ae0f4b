package confighash

import "testing"

func TestOf(t *testing.T) {
	base := map[string]string{"A": "1", "B": "2"}
	cases := map[string]struct {
		other map[string]string
		same  bool
	}{
		"SameContent":   {map[string]string{"B": "2", "A": "1"}, true},
		"ValueChanged":  {map[string]string{"A": "1", "B": "3"}, false},
		"KeyAdded":      {map[string]string{"A": "1", "B": "2", "C": ""}, false},
		"BoundaryShift": {map[string]string{"A": "1B", "": "2"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Of(base) == Of(tc.other); got != tc.same {
				t.Errorf("Of(%v) == Of(%v) is %v, want %v", base, tc.other, got, tc.same)
			}
		})
	}
	if h := Of(base); len(h) != 64 {
		t.Errorf("hash %q is not hex SHA-256", h)
	}
}
