package cluster

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// RequiredBrokerPods names the required-resource request for the cluster's
// broker pods. Crossplane keys the fetched pods by it, so it must stay
// stable.
const RequiredBrokerPods = "broker-pods"

// Bounds of the BrokersReady message built from the pods.
const (
	// maxPodsMessage caps the whole summary, in bytes.
	maxPodsMessage = 1024
	// maxPodDetail caps each message Kubernetes reports for one pod, in
	// bytes.
	maxPodDetail = 200
)

// brokerPodsSelector asks Crossplane for the pods of the broker
// StatefulSet: the pods its selector selects, in the XR's namespace.
func brokerPodsSelector(name, ns string) *fnv1.ResourceSelector {
	return &fnv1.ResourceSelector{
		ApiVersion: "v1",
		Kind:       "Pod",
		Namespace:  &ns,
		Match:      &fnv1.ResourceSelector_MatchLabels{MatchLabels: &fnv1.MatchLabels{Labels: selectorLabels(name)}},
	}
}

// requiredPodObjects returns the broker pods Crossplane fetched for
// RequiredBrokerPods, and whether it resolved the requirement at all: on the
// first call of a reconcile it has not, which says nothing about the pods.
//
// Each pod is read as only metadata.name, metadata.deletionTimestamp and
// status: its spec (container env included) and managed fields are never
// converted.
func requiredPodObjects(req *fnv1.RunFunctionRequest) (pods []map[string]any, resolved bool) {
	rs, ok := req.GetRequiredResources()[RequiredBrokerPods]
	if !ok {
		return nil, false
	}
	pods = make([]map[string]any, 0, len(rs.GetItems()))
	for _, it := range rs.GetItems() {
		f := it.GetResource().GetFields()
		obj := map[string]any{}
		if md := f["metadata"].GetStructValue().GetFields(); md != nil {
			m := map[string]any{}
			for _, k := range []string{"name", "deletionTimestamp"} {
				if v, ok := md[k]; ok {
					m[k] = v.AsInterface()
				}
			}
			obj["metadata"] = m
		}
		if st, ok := f["status"]; ok {
			obj["status"] = st.AsInterface()
		}
		pods = append(pods, obj)
	}
	return pods, true
}

// brokerPods is what the observed broker pods say, or that they are not
// known yet.
type brokerPods struct {
	// Resolved is false until Crossplane has fetched the pods: unknown,
	// not "no pods".
	Resolved bool
	// Pods sorted by ordinal, then name.
	Pods []brokerPod
}

// brokerPod is the state of one broker pod and its rivvend container.
type brokerPod struct {
	Name  string
	Phase string
	// Ready is the pod's Ready condition.
	Ready bool
	// Terminating pods are being deleted (a rollout or scale-down); their
	// container exits are expected.
	Terminating bool
	// Unschedulable is the scheduler's message when the PodScheduled
	// condition is False with reason Unschedulable.
	Unschedulable    bool
	UnschedulableMsg string

	// Container is false while the kubelet reports no status for the
	// rivvend container.
	Container bool
	// WaitingReason and WaitingMessage of state.waiting, e.g.
	// CrashLoopBackOff, ImagePullBackOff, CreateContainerConfigError.
	WaitingReason, WaitingMessage string
	// Terminated is true when the container's current state is
	// terminated.
	Terminated bool
	// ExitReason and ExitCode of state.terminated, else of
	// lastState.terminated; HasExit says whether either exists.
	ExitReason string
	ExitCode   int32
	HasExit    bool
	Restarts   int32
}

// readBrokerPods interprets the observed pods. Objects that are not pods are
// skipped rather than guessed at.
func readBrokerPods(objs []map[string]any, resolved bool) brokerPods {
	out := brokerPods{Resolved: resolved}
	if !resolved {
		return out
	}
	for _, o := range objs {
		if p, ok := readBrokerPod(o); ok {
			out.Pods = append(out.Pods, p)
		}
	}
	slices.SortFunc(out.Pods, func(a, b brokerPod) int { return comparePodNames(a.Name, b.Name) })
	return out
}

// podView is the part of a Pod that readBrokerPod decodes.
type podView struct {
	Metadata struct {
		Name              string  `json:"name"`
		DeletionTimestamp *string `json:"deletionTimestamp,omitempty"`
	} `json:"metadata"`
	Status corev1.PodStatus `json:"status"`
}

func readBrokerPod(obj map[string]any) (brokerPod, bool) {
	v := &podView{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(obj, v); err != nil || v.Metadata.Name == "" {
		return brokerPod{}, false
	}
	p := brokerPod{Name: v.Metadata.Name, Phase: string(v.Status.Phase), Terminating: v.Metadata.DeletionTimestamp != nil}
	for _, c := range v.Status.Conditions {
		switch {
		case c.Type == corev1.PodReady:
			p.Ready = c.Status == corev1.ConditionTrue
		case c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable:
			p.Unschedulable, p.UnschedulableMsg = true, c.Message
		}
	}
	for _, cs := range v.Status.ContainerStatuses {
		if cs.Name != container {
			continue
		}
		p.Container = true
		p.Restarts = cs.RestartCount
		if w := cs.State.Waiting; w != nil {
			p.WaitingReason, p.WaitingMessage = w.Reason, w.Message
		}
		term := cs.State.Terminated
		p.Terminated = term != nil
		if term == nil {
			term = cs.LastTerminationState.Terminated
		}
		if term != nil {
			p.HasExit, p.ExitReason, p.ExitCode = true, term.Reason, term.ExitCode
		}
	}
	return p, true
}

// startingReasons are waiting reasons of a container that is on its way up.
var startingReasons = []string{"ContainerCreating", "PodInitializing"}

// Failing reports whether the broker is not running for a reason Kubernetes
// names: not ready and either unschedulable, its rivvend container waiting
// for a reason other than starting up, terminated non-zero, or restarted. A
// pod being deleted never counts.
func (p brokerPod) Failing() bool {
	if p.Ready || p.Terminating {
		return false
	}
	switch {
	case p.Unschedulable:
		return true
	case p.WaitingReason != "" && !slices.Contains(startingReasons, p.WaitingReason):
		return true
	case p.Terminated && p.ExitCode != 0:
		return true
	case p.Restarts > 0:
		return true
	}
	return false
}

// Describe is one broker's entry of the summary, e.g.
// "rivven-production-0: CrashLoopBackOff (exit code 1, 5 restarts)". It
// carries only reasons, exit codes, restart counts and the messages of the
// kubelet and the scheduler, never what the container itself wrote
// (terminated.message can be the tail of its log).
func (p brokerPod) Describe() string {
	var head, msg string
	switch {
	case p.WaitingReason != "":
		head = p.WaitingReason
		// The back-off message of CrashLoopBackOff only repeats the
		// pod and container name; the exit code says more.
		if p.WaitingReason != "CrashLoopBackOff" {
			msg = p.WaitingMessage
		}
	case p.Terminated:
		head = cmp.Or(p.ExitReason, "Terminated")
	case p.Unschedulable:
		head, msg = corev1.PodReasonUnschedulable, p.UnschedulableMsg
	case p.Phase != "":
		head = p.Phase + ", not ready"
	default:
		head = "not ready"
	}
	var details []string
	if p.HasExit {
		// The reason of an exit adds to the head when it says more than
		// "Error", e.g. OOMKilled under CrashLoopBackOff.
		if p.ExitReason != "" && p.ExitReason != head && p.ExitReason != "Error" {
			details = append(details, p.ExitReason)
		}
		details = append(details, "exit code "+strconv.Itoa(int(p.ExitCode)))
	}
	switch p.Restarts {
	case 0:
	case 1:
		details = append(details, "1 restart")
	default:
		details = append(details, fmt.Sprintf("%d restarts", p.Restarts))
	}
	var b strings.Builder
	b.WriteString(p.Name)
	b.WriteString(": ")
	b.WriteString(oneLine(head, maxPodDetail))
	if len(details) > 0 {
		b.WriteString(" (" + strings.Join(details, ", ") + ")")
	}
	if msg = oneLine(msg, maxPodDetail); msg != "" {
		b.WriteString(": " + msg)
	}
	return b.String()
}

// Failing returns the failing brokers in order; none while the pods are not
// resolved.
func (ps brokerPods) Failing() []brokerPod {
	var out []brokerPod
	for _, p := range ps.Pods {
		if p.Failing() {
			out = append(out, p)
		}
	}
	return out
}

// failureSummary joins the entries of the failing brokers with "; ", at
// most maxPodsMessage bytes: entries that do not fit are counted as
// "and N more". It is "" when no broker fails.
func failureSummary(failing []brokerPod) string {
	var b strings.Builder
	for i, p := range failing {
		entry := p.Describe()
		sep := ""
		if i > 0 {
			sep = "; "
		}
		// Room for the count of the entries after this one.
		reserve := 0
		if rest := len(failing) - i - 1; rest > 0 {
			reserve = len(moreSuffix(rest))
		}
		if b.Len()+len(sep)+len(entry)+reserve > maxPodsMessage {
			if b.Len() == 0 {
				// The first entry alone is too long: keep its start.
				b.WriteString(truncate(entry, maxPodsMessage-len(moreSuffix(len(failing)-1))))
				i++
			}
			b.WriteString(moreSuffix(len(failing) - i))
			return b.String()
		}
		b.WriteString(sep)
		b.WriteString(entry)
	}
	return b.String()
}

func moreSuffix(n int) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("; and %d more", n)
}

// oneLine folds whitespace runs, newlines included, into single spaces and
// truncates s to max bytes.
func oneLine(s string, max int) string {
	return truncate(strings.Join(strings.Fields(s), " "), max)
}

// truncate cuts s to at most max bytes on a rune boundary, marking the cut
// with "…".
func truncate(s string, max int) string {
	if len(s) <= max {
		return s
	}
	const ellipsis = "…"
	cut := max - len(ellipsis)
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + ellipsis
}

// comparePodNames orders StatefulSet pods by ordinal (rivven-c-2 before
// rivven-c-10), then by name.
func comparePodNames(a, b string) int {
	pa, oa, okA := splitOrdinal(a)
	pb, ob, okB := splitOrdinal(b)
	if okA && okB && pa == pb {
		return cmp.Compare(oa, ob)
	}
	return strings.Compare(a, b)
}

func splitOrdinal(name string) (prefix string, ordinal int, ok bool) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return "", 0, false
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n < 0 {
		return "", 0, false
	}
	return name[:i], n, true
}
