package compose

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
)

func TestToComposed(t *testing.T) {
	one := int32(1)
	cases := map[string]struct {
		obj     runtime.Object
		want    map[string]any
		wantErr bool
	}{
		"StatefulSetWithoutNoise": {
			obj: &appsv1.StatefulSet{
				TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
				ObjectMeta: metav1.ObjectMeta{Name: "s"},
				Spec: appsv1.StatefulSetSpec{
					Replicas:    &one,
					ServiceName: "h",
					Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{
						Containers: []corev1.Container{{Name: "c"}},
						Volumes:    []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
					}},
				},
			},
			// No status, creationTimestamp, resources: {}, strategy: {}, hostNetwork: false;
			// emptyDir: {} survives because it is meaningful.
			want: map[string]any{
				"apiVersion": "apps/v1", "kind": "StatefulSet",
				"metadata": map[string]any{"name": "s"},
				"spec": map[string]any{
					"replicas":    1.0,
					"serviceName": "h",
					"template": map[string]any{"spec": map[string]any{
						"containers": []any{map[string]any{"name": "c"}},
						"volumes":    []any{map[string]any{"name": "tmp", "emptyDir": map[string]any{}}},
					}},
				},
			},
		},
		"NoKind": {obj: &corev1.ConfigMap{}, wantErr: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cd, err := ToComposed(tc.obj)
			if tc.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, cd.Object); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestPrune(t *testing.T) {
	in := map[string]any{
		"a": nil, "b": map[string]any{"c": map[string]any{}}, "d": []any{map[string]any{}, "x", nil},
		"emptyDir": map[string]any{}, "e": false, "f": 0.0, "g": []any{},
	}
	want := map[string]any{"d": []any{"x"}, "emptyDir": map[string]any{}, "e": false, "f": 0.0}
	Prune(in)
	if diff := cmp.Diff(want, in); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
