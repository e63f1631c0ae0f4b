package harness

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func event(resource string) string {
	return "---\napiVersion: render.crossplane.io/v1beta1\nkind: Result\nmessage: Composed resource \"" + resource + "\" is not yet ready\nreason: ComposeResources\nseverity: Normal\n"
}

const xr = "---\napiVersion: rivven.io/v1alpha1\nkind: RivvenCluster\nmetadata:\n  name: minimal\n"

const warning = "---\napiVersion: render.crossplane.io/v1beta1\nkind: Result\nmessage: 'Pipeline step \"rivven-cluster\": z'\nreason: SettingNotApplied\nseverity: Warning\n"

const secret = "---\napiVersion: v1\ndata:\n  cluster-auth-token: c2VjcmV0\nkind: Secret\nmetadata:\n  name: rivven-minimal-auth\n"

func TestNormalize(t *testing.T) {
	tokenRedaction := []Redaction{{Kind: "Secret", Name: "rivven-minimal-auth", Field: "data.cluster-auth-token"}}
	cases := map[string]struct {
		out     string
		redact  []Redaction
		want    string
		wantErr bool
	}{
		"UntouchedOutputKeepsBytes": {
			out:  xr + warning,
			want: xr + warning,
		},
		"CrossplaneEventsSorted": {
			out:  xr + event("statefulset") + event("configmap") + event("pdb"),
			want: xr + event("configmap") + event("pdb") + event("statefulset"),
		},
		// A function's own Results keep their place; only runs of
		// Crossplane's events are sorted, each run on its own.
		"EventsSortedWithinRuns": {
			out:  event("b") + event("a") + warning + event("d") + event("c"),
			want: event("a") + event("b") + warning + event("c") + event("d"),
		},
		"FieldRedacted": {
			out:    xr + secret,
			redact: tokenRedaction,
			want:   xr + "---\napiVersion: v1\ndata:\n  cluster-auth-token: REDACTED\nkind: Secret\nmetadata:\n  name: rivven-minimal-auth\n",
		},
		"RedactedFieldMissing": {
			out:     xr + "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: rivven-minimal-auth\n",
			redact:  tokenRedaction,
			wantErr: true,
		},
		"RedactedObjectMissing": {
			out:     xr,
			redact:  tokenRedaction,
			wantErr: true,
		},
		"NotADocumentStream": {
			out:     "apiVersion: v1\n",
			wantErr: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := Normalize([]byte(tc.out), tc.redact)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Normalize() error = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if diff := cmp.Diff(tc.want, string(got)); diff != "" {
				t.Errorf("Normalize() (-want +got):\n%s", diff)
			}
		})
	}
}
