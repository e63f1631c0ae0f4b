package podrun

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/netip"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The test binary doubles as a container image: with PODRUN_TEST_SERVE set
// it serves GET /health on $PORT, as a broker serves its probe endpoint.
func TestMain(m *testing.M) {
	if os.Getenv("PODRUN_TEST_SERVE") == "1" {
		serve()
		return
	}
	if err := ReexecInPrivateNetwork(); err != nil {
		fmt.Fprintln(os.Stderr, "podrun:", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func serve() {
	if len(os.Args) > 1 && os.Args[1] == "check" {
		// An exec probe: ready while the volume holds "ready" and the
		// probe runs as the pod's user.
		if _, err := os.Stat(filepath.Join(os.Getenv("DATA"), "ready")); err != nil || os.Getuid() != 65532 {
			fmt.Println("not ready:", err, "uid", os.Getuid())
			os.Exit(1)
		}
		// Names resolve as when the container started.
		if addrs, _ := net.LookupHost("probe.ns.svc"); fmt.Sprint(addrs) != "[10.89.1.200]" {
			fmt.Println("probe.ns.svc resolves to", addrs)
			os.Exit(1)
		}
		os.Exit(0)
	}
	if os.Getenv("EXIT_AT_ONCE") != "" {
		fmt.Println("exiting with code 3")
		os.Exit(3)
	}
	http.HandleFunc("/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = io.WriteString(w, "ok") })
	// Resolved by the running process at each request: ready while
	// moved.ns.svc names $WANT_IP.
	http.HandleFunc("/resolve", func(w http.ResponseWriter, _ *http.Request) {
		if addrs, _ := net.LookupHost("moved.ns.svc"); fmt.Sprint(addrs) != "["+os.Getenv("WANT_IP")+"]" {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "moved.ns.svc resolves to", addrs)
		}
	})
	addrs, _ := net.LookupHost("svc.ns.svc")
	fmt.Printf("uid=%d data=%s svc=%v\n", os.Getuid(), os.Getenv("DATA"), addrs)
	if err := os.WriteFile(filepath.Join(os.Getenv("DATA"), "written"), []byte("x"), 0o600); err != nil {
		fmt.Println("cannot write the volume:", err)
		os.Exit(4)
	}
	_ = http.ListenAndServe("0.0.0.0:"+os.Getenv("PORT"), nil) //nolint:gosec // test server
}

// TestPodLifecycle runs a pod of the test server with a readiness and a
// liveness probe and checks what a kubelet would report: Ready from the
// probe, the pod's uid and volume, a killed process restarted with its exit
// recorded, Ready lost while it is down; and a container that exits at once
// crash-loops with its exit code.
func TestPodLifecycle(t *testing.T) {
	img := testImage(t)
	n, err := NewNetwork("podrunt0", netip.MustParsePrefix("10.89.0.0/24"))
	if err != nil {
		t.Fatal(err)
	}
	// A Service name, as cluster DNS would resolve it.
	n.AddHost("svc.ns.svc", netip.MustParseAddr("10.89.0.200"))
	probe := func() *corev1.Probe {
		return &corev1.Probe{
			ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/health", Port: intstr.FromString("http")}},
			PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 1,
		}
	}
	// Liveness gives the server time to listen, as the brokers' does.
	liveness := probe()
	liveness.InitialDelaySeconds, liveness.FailureThreshold = 2, 3
	spec := func(extraEnv ...corev1.EnvVar) corev1.PodSpec {
		return corev1.PodSpec{
			Containers: []corev1.Container{{
				Name: "server", Image: "test/server:1",
				Ports:          []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}},
				Env:            append([]corev1.EnvVar{{Name: "PODRUN_TEST_SERVE", Value: "1"}, {Name: "PORT", Value: "8080"}, {Name: "DATA", Value: "/data"}}, extraEnv...),
				VolumeMounts:   []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
				ReadinessProbe: probe(), LivenessProbe: liveness,
			}},
			SecurityContext: &corev1.PodSecurityContext{RunAsUser: ptr[int64](65532), RunAsGroup: ptr[int64](65532)},
		}
	}
	resolve := func(image string) (string, error) {
		if image != "test/server:1" {
			return "", fmt.Errorf("no image %s", image)
		}
		return img, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	dir := t.TempDir()
	pod, err := Start(n, Config{Name: "p-0", Namespace: "ns", Spec: spec(), Resolve: resolve, Dir: dir, BackOff: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pod.Stop)
	if err := WaitFor(ctx, pod.Ready); err != nil {
		t.Fatalf("never ready: %+v\n%s", pod.Status(), pod.Logs("server"))
	}
	if got := pod.Logs("server"); got != fmt.Sprintf("uid=65532 data=%s svc=[10.89.0.200]\n", filepath.Join(dir, "volumes", "data")) {
		t.Errorf("the container printed %q; want uid 65532, /data mapped to the pod's volume, the Service name resolved", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "volumes", "data", "written")); err != nil {
		t.Errorf("the pod's volume was not written: %v", err)
	}

	// A crash: Ready is lost, the container restarts, the exit is recorded.
	if err := pod.StopContainer("server", syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if err := WaitFor(ctx, func() bool { return !pod.Ready() }); err != nil {
		t.Fatal("still ready after its process was killed")
	}
	if err := WaitFor(ctx, func() bool { return pod.Ready() && pod.Status().ContainerStatuses[0].RestartCount == 1 }); err != nil {
		t.Fatalf("not restarted and ready again: %+v", pod.Status().ContainerStatuses)
	}
	if last := pod.Status().ContainerStatuses[0].LastTerminationState.Terminated; last == nil || last.ExitCode != 137 {
		t.Errorf("last termination %+v, want exit code 137 (SIGKILL)", last)
	}

	// A container that exits at once crash-loops, as a kubelet shows it.
	crash, err := Start(n, Config{Name: "p-1", Namespace: "ns", Spec: spec(corev1.EnvVar{Name: "EXIT_AT_ONCE", Value: "1"}),
		Resolve: resolve, Dir: t.TempDir(), BackOff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(crash.Stop)
	if err := WaitFor(ctx, func() bool {
		cs := crash.Status().ContainerStatuses[0]
		return cs.RestartCount >= 2 && cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff"
	}); err != nil {
		t.Fatalf("no CrashLoopBackOff: %+v", crash.Status().ContainerStatuses)
	}
	if last := crash.Status().ContainerStatuses[0].LastTerminationState.Terminated; last == nil || last.ExitCode != 3 {
		t.Errorf("last termination %+v, want exit code 3", last)
	}
	if crash.Ready() {
		t.Error("a crash-looping pod is ready")
	}

	// An image that cannot be resolved is ImagePullBackOff, never started.
	bad := spec()
	bad.Containers[0].Image = "test/missing:1"
	pull, err := Start(n, Config{Name: "p-2", Namespace: "ns", Spec: bad, Resolve: resolve, Dir: t.TempDir(), BackOff: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pull.Stop)
	if err := WaitFor(ctx, func() bool {
		w := pull.Status().ContainerStatuses[0].State.Waiting
		return w != nil && w.Reason == "ImagePullBackOff"
	}); err != nil {
		t.Fatalf("no ImagePullBackOff: %+v", pull.Status().ContainerStatuses)
	}
}

// TestExecProbe: an exec readiness probe runs its command inside the
// container (the pod's user, env, volumes and /etc/hosts as the container
// started with it, command[0] standing for the image's binary), and Ready
// follows its exit code both ways.
func TestExecProbe(t *testing.T) {
	img := testImage(t)
	n, err := NewNetwork("podrunt1", netip.MustParsePrefix("10.89.1.0/24"))
	if err != nil {
		t.Fatal(err)
	}
	n.AddHost("probe.ns.svc", netip.MustParseAddr("10.89.1.200"))
	spec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "server", Image: "test/server:1",
			Env:          []corev1.EnvVar{{Name: "PODRUN_TEST_SERVE", Value: "1"}, {Name: "PORT", Value: "8080"}, {Name: "DATA", Value: "/data"}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"/app", "check"}}},
				PeriodSeconds: 1, FailureThreshold: 1, TimeoutSeconds: 5,
			},
		}},
		SecurityContext: &corev1.PodSecurityContext{RunAsUser: ptr[int64](65532), RunAsGroup: ptr[int64](65532)},
	}
	dir := t.TempDir()
	pod, err := Start(n, Config{Name: "e-0", Namespace: "ns", Spec: spec, Dir: dir, BackOff: 500 * time.Millisecond,
		Resolve: func(string) (string, error) { return img, nil }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pod.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := WaitFor(ctx, func() bool { cs := pod.Status().ContainerStatuses; return len(cs) > 0 && cs[0].State.Running != nil }); err != nil {
		t.Fatalf("never running: %+v", pod.Status())
	}
	// A name added later is for containers started later.
	n.AddHost("probe.ns.svc", netip.MustParseAddr("10.89.1.201"))
	// Three probe periods without the file: never ready.
	time.Sleep(3 * time.Second)
	if pod.Ready() {
		t.Fatal("ready although the exec probe's command fails")
	}
	ready := filepath.Join(dir, "volumes", "data", "ready")
	if err := os.WriteFile(ready, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WaitFor(ctx, pod.Ready); err != nil {
		t.Fatalf("not ready although the exec probe's command succeeds: %+v", pod.Status())
	}
	if err := os.Remove(ready); err != nil {
		t.Fatal(err)
	}
	if err := WaitFor(ctx, func() bool { return !pod.Ready() }); err != nil {
		t.Fatal("still ready after the exec probe's command failed again")
	}
}

// TestSetHosts: a name changed by SetHosts reaches the /etc/hosts of a
// container that is already running (its readiness probe asks the running
// process to resolve it), as cluster DNS follows endpoints; a pod stopped
// is forgotten.
func TestSetHosts(t *testing.T) {
	img := testImage(t)
	n, err := NewNetwork("podrunt2", netip.MustParsePrefix("10.89.2.0/24"))
	if err != nil {
		t.Fatal(err)
	}
	n.AddHost("moved.ns.svc", netip.MustParseAddr("10.89.2.200"))
	spec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "server", Image: "test/server:1",
			Env: []corev1.EnvVar{
				{Name: "PODRUN_TEST_SERVE", Value: "1"}, {Name: "PORT", Value: "8080"},
				{Name: "DATA", Value: "/data"}, {Name: "WANT_IP", Value: "10.89.2.201"},
			},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:  corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/resolve", Port: intstr.FromInt32(8080)}},
				PeriodSeconds: 1, FailureThreshold: 1, SuccessThreshold: 1, TimeoutSeconds: 2,
			},
		}},
		SecurityContext: &corev1.PodSecurityContext{RunAsUser: ptr[int64](65532), RunAsGroup: ptr[int64](65532)},
	}
	pod, err := Start(n, Config{Name: "h-0", Namespace: "ns", Spec: spec, Dir: t.TempDir(), BackOff: 500 * time.Millisecond,
		Resolve: func(string) (string, error) { return img, nil }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := WaitFor(ctx, func() bool { cs := pod.Status().ContainerStatuses; return len(cs) > 0 && cs[0].State.Running != nil }); err != nil {
		t.Fatalf("never running: %+v", pod.Status())
	}
	time.Sleep(3 * time.Second)
	if pod.Ready() {
		t.Fatal("ready although moved.ns.svc still names 10.89.2.200")
	}
	if err := n.SetHosts(map[string]netip.Addr{"moved.ns.svc": netip.MustParseAddr("10.89.2.201")}); err != nil {
		t.Fatal(err)
	}
	if err := WaitFor(ctx, pod.Ready); err != nil {
		t.Fatalf("the running container never saw the new address: %s", pod.Logs("server"))
	}
	pod.Stop()
	n.mu.Lock()
	left := len(n.files)
	n.mu.Unlock()
	if left != 0 {
		t.Errorf("%d hosts files still tracked after the pod stopped", left)
	}
}

// testImage is a copy of the test binary the pod's user can execute.
func testImage(t *testing.T) string {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "server")
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(img, b, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := traversable(filepath.Dir(img)); err != nil {
		t.Fatal(err)
	}
	return img
}

// TestConfigMapCreatedAfterThePod: a container whose ConfigMap does not
// exist yet waits in CreateContainerConfigError and starts once it exists,
// as the kubelet reads ConfigMaps at each container start.
func TestConfigMapCreatedAfterThePod(t *testing.T) {
	img := testImage(t)
	n, err := NewNetwork("podrunt3", netip.MustParsePrefix("10.89.3.0/24"))
	if err != nil {
		t.Fatal(err)
	}
	spec := corev1.PodSpec{
		Containers: []corev1.Container{{
			Name: "server", Image: "test/server:1",
			Env:          []corev1.EnvVar{{Name: "PODRUN_TEST_SERVE", Value: "1"}, {Name: "DATA", Value: "/data"}},
			EnvFrom:      []corev1.EnvFromSource{{ConfigMapRef: &corev1.ConfigMapEnvSource{LocalObjectReference: corev1.LocalObjectReference{Name: "late"}}}},
			VolumeMounts: []corev1.VolumeMount{{Name: "data", MountPath: "/data"}},
		}},
		SecurityContext: &corev1.PodSecurityContext{RunAsUser: ptr[int64](65532), RunAsGroup: ptr[int64](65532)},
	}
	var mu sync.Mutex
	objs := Objects{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{}}
	pod, err := Start(n, Config{Name: "l-0", Namespace: "ns", Spec: spec, Dir: t.TempDir(), BackOff: 500 * time.Millisecond,
		Resolve: func(string) (string, error) { return img, nil },
		LookupObjects: func() (Objects, error) {
			mu.Lock()
			defer mu.Unlock()
			return Objects{ConfigMaps: maps.Clone(objs.ConfigMaps), Secrets: objs.Secrets}, nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pod.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	waitingFor := func(reason string) bool {
		cs := pod.Status().ContainerStatuses
		return len(cs) > 0 && cs[0].State.Waiting != nil && cs[0].State.Waiting.Reason == reason
	}
	if err := WaitFor(ctx, func() bool { return waitingFor("CreateContainerConfigError") }); err != nil {
		t.Fatalf("not waiting for its ConfigMap: %+v", pod.Status())
	}
	mu.Lock()
	objs.ConfigMaps["late"] = &corev1.ConfigMap{Data: map[string]string{"PORT": "8081"}}
	mu.Unlock()
	if err := WaitFor(ctx, func() bool { cs := pod.Status().ContainerStatuses; return len(cs) > 0 && cs[0].State.Running != nil }); err != nil {
		t.Fatalf("never started once its ConfigMap existed: %+v", pod.Status())
	}
}
