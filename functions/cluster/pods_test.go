package cluster

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/testing/protocmp"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/readiness"
)

// Container statuses of the rivvend container, as the kubelet reports them.
const (
	ctrCrashLoop = `{name: rivvend, ready: false, restartCount: 5,
  state: {waiting: {reason: CrashLoopBackOff, message: "back-off 2m40s restarting failed container=rivvend pod=rivven-c-0_ns(0f1e)"}},
  lastState: {terminated: {reason: Error, exitCode: 1, message: "RIVVEN_AUTH_TOKEN=hunter2 rejected"}}}`
	ctrImagePull = `{name: rivvend, ready: false, restartCount: 0,
  state: {waiting: {reason: ImagePullBackOff, message: "Back-off pulling image \"ghcr.io/hupe1980/rivvend:nope\""}}}`
	ctrConfigError = `{name: rivvend, ready: false, restartCount: 0,
  state: {waiting: {reason: CreateContainerConfigError, message: "secret \"rivven-c-auth\" not found"}}}`
	ctrExited = `{name: rivvend, ready: false, restartCount: 2,
  state: {terminated: {reason: Error, exitCode: 1}},
  lastState: {terminated: {reason: Error, exitCode: 1}}}`
	ctrOOM = `{name: rivvend, ready: false, restartCount: 3,
  state: {waiting: {reason: CrashLoopBackOff, message: back-off}},
  lastState: {terminated: {reason: OOMKilled, exitCode: 137}}}`
	ctrRestartedRunning = `{name: rivvend, ready: false, restartCount: 1,
  state: {running: {startedAt: "2026-01-01T00:00:00Z"}},
  lastState: {terminated: {reason: Error, exitCode: 1}}}`
	ctrCreating = `{name: rivvend, ready: false, restartCount: 0, state: {waiting: {reason: ContainerCreating}}}`
	ctrRunning  = `{name: rivvend, ready: false, restartCount: 0, state: {running: {startedAt: "2026-01-01T00:00:00Z"}}}`
	ctrReady    = `{name: rivvend, ready: true, restartCount: 0, state: {running: {startedAt: "2026-01-01T00:00:00Z"}}}`
)

// podYAML is an observed broker pod of XR "c". ctr is the rivvend
// container's status ("" for none yet).
func podYAML(name string, ready bool, ctr string) string {
	status := "False"
	if ready {
		status = "True"
	}
	statuses := "[]"
	if ctr != "" {
		statuses = "[" + ctr + "]"
	}
	return fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata:
  name: %s
  namespace: ns
  labels: {app.kubernetes.io/name: rivven, app.kubernetes.io/instance: c, app.kubernetes.io/component: broker}
  managedFields: [{manager: kubelet, operation: Update}]
spec:
  containers:
  - name: rivvend
    env: [{name: RIVVEN_AUTH_TOKEN, value: hunter2}]
status:
  phase: Running
  conditions:
  - {type: PodScheduled, status: "True"}
  - {type: Ready, status: "%s"}
  containerStatuses: %s
`, name, status, statuses)
}

func podObj(t *testing.T, y string) map[string]any {
	t.Helper()
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(y), &m); err != nil {
		t.Fatalf("bad pod YAML: %v\n%s", err, y)
	}
	return m
}

func podObjs(t *testing.T, ys ...string) []map[string]any {
	t.Helper()
	out := make([]map[string]any, 0, len(ys))
	for _, y := range ys {
		out = append(out, podObj(t, y))
	}
	return out
}

// describeFailing is the per-pod view a user gets: name, failing, entry.
func describeFailing(ps brokerPods) []string {
	var out []string
	for _, p := range ps.Pods {
		if p.Failing() {
			out = append(out, p.Describe())
		} else {
			out = append(out, p.Name+": ok")
		}
	}
	return out
}

func TestReadBrokerPods(t *testing.T) {
	unschedulable := strings.Replace(podYAML("rivven-c-0", false, ""), `{type: PodScheduled, status: "True"}`,
		`{type: PodScheduled, status: "False", reason: Unschedulable, message: "0/3 nodes are available: 3 Insufficient cpu."}`, 1)
	unschedulable = strings.Replace(unschedulable, "phase: Running", "phase: Pending", 1)
	terminating := strings.Replace(podYAML("rivven-c-0", false, `{name: rivvend, restartCount: 0, state: {terminated: {reason: Error, exitCode: 143}}}`),
		"  namespace: ns\n", "  namespace: ns\n  deletionTimestamp: \"2026-01-01T00:00:00Z\"\n", 1)
	sidecar := podYAML("rivven-c-0", false, `{name: sidecar, restartCount: 9, state: {waiting: {reason: CrashLoopBackOff}}}, `+ctrRunning)
	multiline := podYAML("rivven-c-0", false, `{name: rivvend, restartCount: 0,
  state: {waiting: {reason: ErrImagePull, message: "rpc error:\n  code = NotFound\tdesc = `+strings.Repeat("x", 300)+`"}}}`)

	cases := map[string]struct {
		pods []string
		want []string
	}{
		"CrashLoopBackOff": {
			pods: []string{podYAML("rivven-c-0", false, ctrCrashLoop)},
			want: []string{"rivven-c-0: CrashLoopBackOff (exit code 1, 5 restarts)"},
		},
		"ImagePullBackOff": {
			pods: []string{podYAML("rivven-c-1", false, ctrImagePull)},
			want: []string{`rivven-c-1: ImagePullBackOff: Back-off pulling image "ghcr.io/hupe1980/rivvend:nope"`},
		},
		"CreateContainerConfigError": {
			pods: []string{podYAML("rivven-c-0", false, ctrConfigError)},
			want: []string{`rivven-c-0: CreateContainerConfigError: secret "rivven-c-auth" not found`},
		},
		"TerminatedExitCodeWithRestarts": {
			pods: []string{podYAML("rivven-c-2", false, ctrExited)},
			want: []string{"rivven-c-2: Error (exit code 1, 2 restarts)"},
		},
		"OOMKilledUnderBackOff": {
			pods: []string{podYAML("rivven-c-0", false, ctrOOM)},
			want: []string{"rivven-c-0: CrashLoopBackOff (OOMKilled, exit code 137, 3 restarts)"},
		},
		"RestartedAndRunningNotReady": {
			pods: []string{podYAML("rivven-c-0", false, ctrRestartedRunning)},
			want: []string{"rivven-c-0: Running, not ready (exit code 1, 1 restart)"},
		},
		"Unschedulable": {
			pods: []string{unschedulable},
			want: []string{"rivven-c-0: Unschedulable: 0/3 nodes are available: 3 Insufficient cpu."},
		},
		"MessageOnOneLineAndTruncated": {
			pods: []string{multiline},
			want: []string{"rivven-c-0: ErrImagePull: rpc error: code = NotFound desc = " + strings.Repeat("x", maxPodDetail-len("rpc error: code = NotFound desc = ")-len("…")) + "…"},
		},
		// Not failures: starting up, running before the Raft group has a
		// leader, ready (whatever its history), being deleted, or only a
		// container other than rivvend failing.
		"Starting": {
			pods: []string{podYAML("rivven-c-0", false, ctrCreating), podYAML("rivven-c-1", false, "")},
			want: []string{"rivven-c-0: ok", "rivven-c-1: ok"},
		},
		"RunningNotReady":  {pods: []string{podYAML("rivven-c-0", false, ctrRunning)}, want: []string{"rivven-c-0: ok"}},
		"ReadyAfterCrash":  {pods: []string{podYAML("rivven-c-0", true, strings.Replace(ctrRestartedRunning, "ready: false", "ready: true", 1))}, want: []string{"rivven-c-0: ok"}},
		"Terminating":      {pods: []string{terminating}, want: []string{"rivven-c-0: ok"}},
		"OtherContainer":   {pods: []string{sidecar}, want: []string{"rivven-c-0: ok"}},
		"AllReady":         {pods: []string{podYAML("rivven-c-0", true, ctrReady), podYAML("rivven-c-1", true, ctrReady)}, want: []string{"rivven-c-0: ok", "rivven-c-1: ok"}},
		"NotAPodIsSkipped": {pods: []string{"kind: Pod\nstatus: {phase: Running}\n"}, want: nil},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := describeFailing(readBrokerPods(podObjs(t, tc.pods...), true))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("brokers (-want +got):\n%s", diff)
			}
			for _, g := range got {
				if strings.Contains(g, "hunter2") || len(g) > 63+2+maxPodDetail*2+64 {
					t.Errorf("entry %q leaks the container's own output or is unbounded", g)
				}
			}
		})
	}

	t.Run("Fields", func(t *testing.T) {
		got := readBrokerPods(podObjs(t, podYAML("rivven-c-0", false, ctrCrashLoop)), true)
		want := brokerPods{Resolved: true, Pods: []brokerPod{{
			Name: "rivven-c-0", Phase: "Running", Container: true,
			WaitingReason: "CrashLoopBackOff", WaitingMessage: "back-off 2m40s restarting failed container=rivvend pod=rivven-c-0_ns(0f1e)",
			ExitReason: "Error", ExitCode: 1, HasExit: true, Restarts: 5,
		}}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("readBrokerPods (-want +got):\n%s", diff)
		}
	})
	t.Run("NotResolved", func(t *testing.T) {
		got := readBrokerPods(podObjs(t, podYAML("rivven-c-0", false, ctrCrashLoop)), false)
		if diff := cmp.Diff(brokerPods{}, got); diff != "" {
			t.Errorf("unresolved pods must be unknown (-want +got):\n%s", diff)
		}
	})
}

func TestPodOrderIsDeterministic(t *testing.T) {
	var ys []string
	var want []string
	for i := range 12 {
		name := fmt.Sprintf("rivven-c-%d", i)
		ys = append(ys, podYAML(name, false, ctrImagePull))
		want = append(want, name)
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		r.Shuffle(len(ys), func(i, j int) { ys[i], ys[j] = ys[j], ys[i] })
		var got []string
		for _, p := range readBrokerPods(podObjs(t, ys...), true).Pods {
			got = append(got, p.Name)
		}
		// By ordinal: rivven-c-2 before rivven-c-10.
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("order (-want +got):\n%s", diff)
		}
	}
}

func TestFailureSummary(t *testing.T) {
	crash := func(i int) brokerPod {
		return brokerPod{Name: fmt.Sprintf("rivven-c-%d", i), Phase: "Running", Container: true,
			WaitingReason: "CrashLoopBackOff", ExitCode: 1, HasExit: true, ExitReason: "Error", Restarts: 5}
	}
	pull := func(i int) brokerPod {
		return brokerPod{Name: fmt.Sprintf("rivven-c-%d", i), Phase: "Pending", Container: true,
			WaitingReason: "ImagePullBackOff", WaitingMessage: strings.Repeat("m", 500)}
	}
	// Capped: each entry is 231 bytes, so four fit in 1 KiB with the count
	// of the rest. Pod names differ only by ordinal, written N here.
	entry := "rivven-c-N: ImagePullBackOff: " + strings.Repeat("m", maxPodDetail-len("…")) + "…"
	cases := map[string]struct {
		in   []brokerPod
		want string
	}{
		"None": {nil, ""},
		"Two": {[]brokerPod{crash(0), crash(1)},
			"rivven-c-0: CrashLoopBackOff (exit code 1, 5 restarts); rivven-c-1: CrashLoopBackOff (exit code 1, 5 restarts)"},
		"Capped": {[]brokerPod{pull(0), pull(1), pull(2), pull(3), pull(4), pull(5), pull(6)},
			strings.ReplaceAll(strings.Join([]string{entry, entry, entry, entry}, "; "), "N", "%d") + "; and 3 more"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			want := tc.want
			if strings.Contains(want, "%d") {
				want = fmt.Sprintf(want, 0, 1, 2, 3)
			}
			got := failureSummary(tc.in)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("failureSummary (-want +got):\n%s", diff)
			}
			if len(got) > maxPodsMessage {
				t.Errorf("summary is %d bytes, want at most %d", len(got), maxPodsMessage)
			}
		})
	}
	t.Run("ManyNeverExceedCap", func(t *testing.T) {
		for n := 1; n <= 300; n += 7 {
			var in []brokerPod
			for i := range n {
				if i%2 == 0 {
					in = append(in, crash(i))
				} else {
					in = append(in, pull(i))
				}
			}
			got := failureSummary(in)
			if len(got) > maxPodsMessage {
				t.Fatalf("%d failing brokers: summary is %d bytes", n, len(got))
			}
			shown := strings.Count(got, "rivven-c-")
			more := 0
			if i := strings.LastIndex(got, "; and "); i >= 0 {
				fmt.Sscanf(got[i:], "; and %d more", &more)
			}
			if shown+more != n || shown == 0 {
				t.Fatalf("%d failing brokers: %d shown and %d counted: %q", n, shown, more, got)
			}
		}
	})
	t.Run("OneHugeEntry", func(t *testing.T) {
		huge := brokerPod{Name: strings.Repeat("n", 2000), WaitingReason: "ImagePullBackOff"}
		got := failureSummary([]brokerPod{huge, crash(1)})
		if len(got) > maxPodsMessage || !strings.HasSuffix(got, "…; and 1 more") {
			t.Errorf("summary = %d bytes %q, want at most %d ending in the count", len(got), got[max(0, len(got)-40):], maxPodsMessage)
		}
	})
}

func TestBrokersReady(t *testing.T) {
	three := clusterv1alpha1.RivvenClusterSpec{Replicas: ptr.To[int32](3)}
	one := clusterv1alpha1.RivvenClusterSpec{Replicas: ptr.To[int32](1)}
	notReady := func(replicas, ready int32) readiness.StatefulSetStatus {
		return readiness.StatefulSetStatus{Replicas: replicas, ReadyReplicas: ready,
			Result: readiness.Result{Reason: readiness.ReasonReplicasNotReady, Message: fmt.Sprintf("%d of %d replicas ready", ready, replicas)}}
	}
	ready := readiness.StatefulSetStatus{Replicas: 3, ReadyReplicas: 3,
		Result: readiness.Result{Ready: true, Reason: readiness.ReasonAvailable, Message: "3 of 3 replicas ready"}}
	notObserved := readiness.StatefulSetStatus{Result: readiness.Result{Reason: readiness.ReasonNotObserved, Message: "StatefulSet not created yet"}}

	crashing := []string{podYAML("rivven-c-1", false, ctrImagePull), podYAML("rivven-c-0", false, ctrCrashLoop), podYAML("rivven-c-2", false, ctrRunning)}
	wantCrash := readiness.Result{Reason: ReasonBrokerNotRunning, Message: "rivven-c-0: CrashLoopBackOff (exit code 1, 5 restarts); " +
		`rivven-c-1: ImagePullBackOff: Back-off pulling image "ghcr.io/hupe1980/rivvend:nope"`}

	cases := map[string]struct {
		spec     clusterv1alpha1.RivvenClusterSpec
		sts      readiness.StatefulSetStatus
		pods     []string
		resolved bool
		want     readiness.Result
	}{
		"Failing": {three, notReady(3, 0), crashing, true, wantCrash},
		"FailingWhilePartlyReady": {three, notReady(3, 1),
			[]string{podYAML("rivven-c-0", true, ctrReady), podYAML("rivven-c-1", false, ctrExited), podYAML("rivven-c-2", true, ctrReady)}, true,
			readiness.Result{Reason: ReasonBrokerNotRunning, Message: "rivven-c-1: Error (exit code 1, 2 restarts)"}},
		"FailingWhileScaling":      {three, notReady(1, 0), crashing, true, wantCrash},
		"FailingStandalone":        {one, notReady(1, 0), []string{podYAML("rivven-c-0", false, ctrConfigError)}, true, readiness.Result{Reason: ReasonBrokerNotRunning, Message: `rivven-c-0: CreateContainerConfigError: secret "rivven-c-auth" not found`}},
		"FailingBeforeStatefulSet": {three, notObserved, crashing, true, wantCrash},
		// Pods not yet fetched claim nothing: the earlier reasons hold.
		"NotResolvedAwaitsBootstrap": {three, notReady(3, 0), crashing, false, readiness.Result{Reason: ReasonAwaitingBootstrap}},
		"NotResolvedScaling":         {three, notReady(1, 1), crashing, false, readiness.Result{Reason: ReasonScaling, Message: "scaling from 1 to 3 brokers"}},
		"NotResolvedNotObserved":     {three, notObserved, nil, false, notObserved.Result},
		"NoPodsAwaitsBootstrap":      {three, notReady(3, 0), nil, true, readiness.Result{Reason: ReasonAwaitingBootstrap}},
		"RunningAwaitsBootstrap": {three, notReady(3, 0),
			[]string{podYAML("rivven-c-0", false, ctrRunning), podYAML("rivven-c-1", false, ctrRunning), podYAML("rivven-c-2", false, ctrCreating)}, true,
			readiness.Result{Reason: ReasonAwaitingBootstrap}},
		"StandaloneStarting": {one, notReady(1, 0), []string{podYAML("rivven-c-0", false, ctrRunning)}, true, notReady(1, 0).Result},
		"AllReady": {three, ready,
			[]string{podYAML("rivven-c-0", true, ctrReady), podYAML("rivven-c-1", true, ctrReady), podYAML("rivven-c-2", true, ctrReady)}, true, ready.Result},
		// Pods fetched before the StatefulSet was observed ready do not
		// overrule it.
		"StatefulSetReadyWins": {three, ready, crashing, true, ready.Result},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := brokersReady(tc.spec, tc.sts, readBrokerPods(podObjs(t, tc.pods...), tc.resolved))
			if tc.want.Reason == ReasonAwaitingBootstrap {
				// The bootstrap message is prose; it must name the
				// endpoint.
				if !strings.Contains(got.Message, "POST /api/v1/bootstrap") {
					t.Errorf("message %q does not explain the bootstrap", got.Message)
				}
				got.Message = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("brokersReady (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRequiredPodObjectsSkipSpec(t *testing.T) {
	req := &fnv1.RunFunctionRequest{RequiredResources: map[string]*fnv1.Resources{
		RequiredBrokerPods: {Items: []*fnv1.Resource{{Resource: mustStruct(t, podYAML("rivven-c-0", false, ctrCrashLoop))}}},
	}}
	objs, resolved := requiredPodObjects(req)
	if !resolved || len(objs) != 1 {
		t.Fatalf("requiredPodObjects = %d objects, resolved %v; want 1, true", len(objs), resolved)
	}
	if diff := cmp.Diff(map[string]any{"name": "rivven-c-0"}, objs[0]["metadata"]); diff != "" {
		t.Errorf("metadata (-want +got):\n%s", diff)
	}
	if _, ok := objs[0]["spec"]; ok {
		t.Error("the pod spec, container env included, is read")
	}
	if _, resolved := requiredPodObjects(&fnv1.RunFunctionRequest{}); resolved {
		t.Error("a request without the requirement counts as resolved")
	}
}

// TestRunFunctionRequiresBrokerPods: the response asks for the broker pods
// on every call, the first call (pods not fetched yet) claims no failure, and
// the call with the pods names the failing brokers without any env value.
func TestRunFunctionRequiresBrokerPods(t *testing.T) {
	ns := "ns"
	wantReq := &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector{
		"broker-pods": {
			ApiVersion: "v1",
			Kind:       "Pod",
			Namespace:  &ns,
			Match: &fnv1.ResourceSelector_MatchLabels{MatchLabels: &fnv1.MatchLabels{Labels: map[string]string{
				"app.kubernetes.io/name": "rivven", "app.kubernetes.io/instance": "c", "app.kubernetes.io/component": "broker",
			}}},
		},
	}}
	stsObserved := map[string]string{"statefulset": observedSts(3, 0, 3, "r1", "r1", 1, 1)}
	withPods := func(pods ...string) *fnv1.RunFunctionRequest {
		req := newRequest(t, xrYAML(untestedVersion+"  replicas: 3\n"), stsObserved)
		rs := &fnv1.Resources{}
		for _, p := range pods {
			rs.Items = append(rs.Items, &fnv1.Resource{Resource: mustStruct(t, p)})
		}
		req.RequiredResources = map[string]*fnv1.Resources{RequiredBrokerPods: rs}
		return req
	}
	condition := func(rsp *fnv1.RunFunctionResponse) *fnv1.Condition {
		for _, c := range rsp.GetConditions() {
			if c.GetType() == ConditionBrokersReady {
				return c
			}
		}
		t.Fatalf("no %s condition: %v", ConditionBrokersReady, rsp.GetConditions())
		return nil
	}

	cases := map[string]struct {
		req    *fnv1.RunFunctionRequest
		reason string
		msg    string // "" = not compared
	}{
		"FirstCall":     {newRequest(t, xrYAML(untestedVersion+"  replicas: 3\n"), stsObserved), ReasonAwaitingBootstrap, ""},
		"ResolvedEmpty": {withPods(), ReasonAwaitingBootstrap, ""},
		"Failing": {withPods(podYAML("rivven-c-2", false, ctrRunning), podYAML("rivven-c-1", false, ctrImagePull), podYAML("rivven-c-0", false, ctrCrashLoop)),
			ReasonBrokerNotRunning, "rivven-c-0: CrashLoopBackOff (exit code 1, 5 restarts); " +
				`rivven-c-1: ImagePullBackOff: Back-off pulling image "ghcr.io/hupe1980/rivvend:nope"`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, tc.req)
			if f := fatal(rsp); f != "" {
				t.Fatal(f)
			}
			if diff := cmp.Diff(wantReq, rsp.GetRequirements(), protocmp.Transform()); diff != "" {
				t.Errorf("requirements (-want +got):\n%s", diff)
			}
			c := condition(rsp)
			if c.GetStatus() != fnv1.Status_STATUS_CONDITION_FALSE || c.GetReason() != tc.reason {
				t.Errorf("BrokersReady = %v %s, want False %s", c.GetStatus(), c.GetReason(), tc.reason)
			}
			if tc.msg != "" {
				if diff := cmp.Diff(tc.msg, c.GetMessage()); diff != "" {
					t.Errorf("BrokersReady message (-want +got):\n%s", diff)
				}
			}
			if strings.Contains(fmt.Sprint(rsp.GetConditions(), rsp.GetResults()), "hunter2") {
				t.Error("a container env value or the container's own output reached the RivvenCluster")
			}
			if got := rsp.GetDesired().GetResources()["statefulset"].GetReady(); got != fnv1.Ready_READY_FALSE {
				t.Errorf("StatefulSet ready = %v, want READY_FALSE", got)
			}
		})
	}

	t.Run("RejectedSpecRequiresNothing", func(t *testing.T) {
		rsp := run(t, newRequest(t, xrYAML("  replicas: 0\n"), nil))
		if fatal(rsp) == "" || rsp.GetRequirements() != nil {
			t.Errorf("a rejected spec: fatal %q, requirements %v; want a Fatal result and no requirements", fatal(rsp), rsp.GetRequirements())
		}
	})
}
