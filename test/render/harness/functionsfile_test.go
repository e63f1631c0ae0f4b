package harness

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

const clusterFn = `apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: function-rivven-cluster
  annotations:
    render.crossplane.io/runtime: Development
    render.crossplane.io/runtime-development-target: localhost:9443
spec:
  package: example.org/function-rivven-cluster:v0.1.0
`

const connectFnNoAnnotations = `apiVersion: pkg.crossplane.io/v1
kind: Function
metadata:
  name: function-rivven-connect
spec:
  package: example.org/function-rivven-connect:v0.1.0
`

func TestFunctionNames(t *testing.T) {
	cases := map[string]struct {
		data    string
		want    []string
		wantErr bool
	}{
		"OneFunction":         {data: clusterFn, want: []string{"function-rivven-cluster"}},
		"TwoWithTrailingSep":  {data: clusterFn + "---\n" + connectFnNoAnnotations + "---\n", want: []string{"function-rivven-cluster", "function-rivven-connect"}},
		"NotAFunction":        {data: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", wantErr: true},
		"Empty":               {data: "", wantErr: true},
		"FunctionWithoutName": {data: "apiVersion: pkg.crossplane.io/v1\nkind: Function\n", wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := FunctionNames([]byte(tc.data))
			if (err != nil) != tc.wantErr {
				t.Fatalf("FunctionNames() error = %v, wantErr %v", err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FunctionNames() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPointFunctions(t *testing.T) {
	cases := map[string]struct {
		data        string
		ports       map[string]int
		wantChanged bool
		want        map[string]string // Function name → development target afterwards.
		wantErr     bool
	}{
		"AlreadyPointingKeepsFile": {
			data:  clusterFn,
			ports: map[string]int{"function-rivven-cluster": 9443},
			want:  map[string]string{"function-rivven-cluster": "localhost:9443"},
		},
		"OtherPortIsRewritten": {
			data:        clusterFn,
			ports:       map[string]int{"function-rivven-cluster": 40001},
			wantChanged: true,
			want:        map[string]string{"function-rivven-cluster": "127.0.0.1:40001"},
		},
		"MissingAnnotationsAreAdded": {
			data:        clusterFn + "---\n" + connectFnNoAnnotations,
			ports:       map[string]int{"function-rivven-cluster": 9443, "function-rivven-connect": 9444},
			wantChanged: true,
			want:        map[string]string{"function-rivven-cluster": "localhost:9443", "function-rivven-connect": "127.0.0.1:9444"},
		},
		"FunctionNotStarted": {
			data:    clusterFn,
			ports:   map[string]int{"function-rivven-connect": 9444},
			wantErr: true,
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			out, changed, err := PointFunctions([]byte(tc.data), tc.ports)
			if (err != nil) != tc.wantErr {
				t.Fatalf("PointFunctions() error = %v, wantErr %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if changed != tc.wantChanged {
				t.Errorf("PointFunctions() changed = %v, want %v", changed, tc.wantChanged)
			}
			if !changed && string(out) != tc.data {
				t.Errorf("PointFunctions() changed the bytes of a file it reports unchanged")
			}
			fns, err := parseFunctions(out)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, fn := range fns {
				got[fn.GetName()] = developmentTarget(fn)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("development targets (-want +got):\n%s", diff)
			}
		})
	}
}
