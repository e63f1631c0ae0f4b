package applabels

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCommon(t *testing.T) {
	cases := map[string]struct {
		selector  map[string]string
		component string
		want      map[string]string
	}{
		"Broker": {
			selector:  map[string]string{Name: "rivven", Instance: "p", Component: "broker"},
			component: "broker",
			want:      map[string]string{Name: "rivven", Instance: "p", Component: "broker", PartOf: "rivven", ManagedBy: "crossplane"},
		},
		"Connect": {
			selector:  map[string]string{Name: "rivven-connect", Instance: "c"},
			component: "connect",
			want:      map[string]string{Name: "rivven-connect", Instance: "c", Component: "connect", PartOf: "rivven", ManagedBy: "crossplane"},
		},
		"NoSelector": {
			component: "x",
			want:      map[string]string{Component: "x", PartOf: "rivven", ManagedBy: "crossplane"},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			before := map[string]string{}
			for k, v := range tc.selector {
				before[k] = v
			}
			if diff := cmp.Diff(tc.want, Common(tc.selector, tc.component)); diff != "" {
				t.Errorf("Common (-want +got):\n%s", diff)
			}
			if len(tc.selector) > 0 {
				if diff := cmp.Diff(before, tc.selector); diff != "" {
					t.Errorf("Common changed the selector (-before +after):\n%s", diff)
				}
			}
		})
	}
}

func TestMerge(t *testing.T) {
	cases := map[string]struct {
		user, ours, want map[string]string
	}{
		"OursWin":   {user: map[string]string{"a": "user", "b": "user"}, ours: map[string]string{"a": "ours"}, want: map[string]string{"a": "ours", "b": "user"}},
		"NoUser":    {ours: map[string]string{"a": "ours"}, want: map[string]string{"a": "ours"}},
		"NoneAtAll": {want: map[string]string{}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, Merge(tc.user, tc.ours)); diff != "" {
				t.Errorf("Merge (-want +got):\n%s", diff)
			}
		})
	}
}
