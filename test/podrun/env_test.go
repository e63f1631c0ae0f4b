package podrun

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestExpand(t *testing.T) {
	vars := map[string]string{"POD_IP": "10.0.0.7", "EMPTY": ""}
	cases := map[string]struct{ in, want string }{
		"defined":           {"$(POD_IP):9093", "10.0.0.7:9093"},
		"undefined is kept": {"$(NOPE):1", "$(NOPE):1"},
		"escaped":           {"$$(POD_IP)", "$(POD_IP)"},
		"empty value":       {"a$(EMPTY)b", "ab"},
		"unterminated":      {"x$(POD_IP", "x$(POD_IP"},
		"lone dollar":       {"cost $5 $", "cost $5 $"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := Expand(tc.in, vars); got != tc.want {
				t.Errorf("Expand(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestResolveEnv(t *testing.T) {
	objs := Objects{
		ConfigMaps: map[string]*corev1.ConfigMap{"cfg": {Data: map[string]string{"A": "from-cm", "B": "cm-b"}}},
		Secrets:    map[string]*corev1.Secret{"sec": {Data: map[string][]byte{"password": []byte("pw"), "B": []byte("secret-b")}}},
	}
	d := Downward{PodName: "rivven-x-0", Namespace: "ns", PodIP: "10.0.0.7", Labels: map[string]string{"app": "rivven"}}
	c := corev1.Container{
		EnvFrom: []corev1.EnvFromSource{
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}},
			// Later sources win over earlier ones.
			{SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}}},
			{Prefix: "P_", SecretRef: &corev1.SecretEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}}},
			{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "gone"}, Optional: ptr(true)}},
		},
		Env: []corev1.EnvVar{
			{Name: "NODE", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
			{Name: "IP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.podIP"}}},
			{Name: "ADDR", Value: "$(IP):9093"},
			{Name: "LATER", Value: "$(NOT_YET)"},
			{Name: "NOT_YET", Value: "x"},
			{Name: "APP", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.labels['app']"}}},
			{Name: "PW", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Key: "password"}}},
			{Name: "OPT", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "sec"}, Key: "nope", Optional: ptr(true)}}},
			// env wins over envFrom.
			{Name: "A", Value: "from-env"},
		},
	}
	got, err := ResolveEnv(c, objs, d)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"A": "from-env", "B": "secret-b", "password": "pw", "P_password": "pw", "P_B": "secret-b",
		"NODE": "rivven-x-0", "IP": "10.0.0.7", "ADDR": "10.0.0.7:9093", "LATER": "$(NOT_YET)", "NOT_YET": "x",
		"APP": "rivven", "PW": "pw",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ResolveEnv (-want +got):\n%s", diff)
	}
}

func TestResolveEnvMissing(t *testing.T) {
	objs := Objects{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{"s": {ObjectMeta: metav1.ObjectMeta{Name: "s"}}}}
	cases := map[string]corev1.Container{
		"configmap": {EnvFrom: []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "cfg"}}}}},
		"secret key": {Env: []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}}},
		"field": {Env: []corev1.EnvVar{{Name: "X", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "status.hostIP"}}}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if _, err := ResolveEnv(c, objs, Downward{}); err == nil {
				t.Error("want an error: a real container would not start")
			}
		})
	}
}

func TestMountsMap(t *testing.T) {
	m := Mounts{{Path: "/etc/rivven/tls", Dir: "/tmp/p/tls"}, {Path: "/data", Dir: "/tmp/p/data"}}
	cases := map[string]string{
		"/data":                   "/tmp/p/data",
		"/data/wal":               "/tmp/p/data/wal",
		"/database":               "/database",
		"/etc/rivven/tls/tls.crt": "/tmp/p/tls/tls.crt",
		"0.0.0.0:9092":            "0.0.0.0:9092",
	}
	for in, want := range cases {
		if got := m.Map(in); got != want {
			t.Errorf("Map(%q) = %q, want %q", in, got, want)
		}
	}
}

func ptr[T any](v T) *T { return &v }
