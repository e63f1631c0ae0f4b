package controlplane

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rivven/crossplane-rivven/test/podrun"
)

// kubelet is the kubelet of the local nodes: it runs every pod the
// scheduler binds to them as real processes (package podrun: the image's
// binary, each pod in a network namespace of its own with its pod IP, env
// and volumes from the real ConfigMaps, Secrets and claims, the composed
// probes), and writes the pod status podrun observes. Nothing here decides
// that a pod is ready: Ready is the result of the composed readiness probe.
type kubelet struct {
	cp      *ControlPlane
	net     *podrun.Network
	nodes   map[string]bool
	resolve podrun.ImageResolver
	// backOff is the first restart delay of a crashed container.
	backOff time.Duration

	mu   sync.Mutex
	pods map[types.UID]*runningPod
}

// runningPod is one pod the kubelet runs.
type runningPod struct {
	pod        *podrun.Pod
	key        client.ObjectKey
	terminated bool // being stopped: its deletion is under way
}

// run syncs the pods of the local nodes every period until ctx ends, then
// stops every pod.
func (k *kubelet) run(ctx context.Context, period time.Duration) {
	every(ctx, period, func() {
		if err := k.sync(ctx); err != nil && ctx.Err() == nil {
			k.cp.logf("kubelet: %v", err)
		}
	})
	k.stopAll()
}

// every calls fn at once and then every period until ctx ends.
func every(ctx context.Context, period time.Duration, fn func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		fn()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// sync starts the pods bound to the local nodes that do not run yet,
// reports the status of those that do, and stops the pods that are being
// deleted or are gone.
func (k *kubelet) sync(ctx context.Context) error {
	var pl corev1.PodList
	if err := k.cp.Client.List(ctx, &pl); err != nil {
		return err
	}
	seen := map[types.UID]bool{}
	for i := range pl.Items {
		p := &pl.Items[i]
		if !k.nodes[p.Spec.NodeName] {
			continue
		}
		seen[p.UID] = true
		k.mu.Lock()
		r := k.pods[p.UID]
		k.mu.Unlock()
		switch {
		case p.DeletionTimestamp != nil:
			k.terminate(ctx, p, r)
		case r == nil:
			if err := k.start(ctx, p); err != nil {
				k.cp.logf("kubelet: pod %s/%s: %v", p.Namespace, p.Name, err)
			}
		case !r.terminated:
			if err := k.report(ctx, p, r); err != nil && !apierrors.IsConflict(err) && !apierrors.IsNotFound(err) {
				k.cp.logf("kubelet: status of pod %s/%s: %v", p.Namespace, p.Name, err)
			}
		}
	}
	// A pod removed without a graceful deletion (force-deleted) stops too.
	k.mu.Lock()
	var gone []*runningPod
	for uid, r := range k.pods {
		if !seen[uid] && !r.terminated {
			r.terminated = true
			gone = append(gone, r)
			delete(k.pods, uid)
		}
	}
	k.mu.Unlock()
	for _, r := range gone {
		go r.pod.Stop()
	}
	return nil
}

// start runs a pod: its containers read the namespace's ConfigMaps and
// Secrets whenever they start, as the kubelet's do, and its claims'
// volumes.
func (k *kubelet) start(ctx context.Context, p *corev1.Pod) error {
	if p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
		return nil
	}
	dir := filepath.Join(k.cp.dir, "pods", p.Namespace+"_"+p.Name+"_"+string(p.UID)[:8])
	pod, err := podrun.Start(k.net, podrun.Config{
		Name: p.Name, Namespace: p.Namespace, Labels: p.Labels, Annotations: p.Annotations,
		Spec: *p.Spec.DeepCopy(), Resolve: k.resolve, Dir: dir,
		LookupObjects: func() (podrun.Objects, error) { return k.objects(ctx, p.Namespace) },
		Volumes:       k.volumes(ctx, p, dir), BackOff: k.backOff,
	})
	if err != nil {
		return err
	}
	k.mu.Lock()
	k.pods[p.UID] = &runningPod{pod: pod, key: client.ObjectKeyFromObject(p)}
	k.mu.Unlock()
	k.cp.logf("kubelet: started pod %s/%s on %s at %s (dir %s)", p.Namespace, p.Name, p.Spec.NodeName, pod.IP(), k.cp.rel(dir))
	return nil
}

// objects are the ConfigMaps and Secrets of a namespace.
func (k *kubelet) objects(ctx context.Context, ns string) (podrun.Objects, error) {
	objs := podrun.Objects{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{}}
	var cms corev1.ConfigMapList
	if err := k.cp.Client.List(ctx, &cms, client.InNamespace(ns)); err != nil {
		return objs, err
	}
	for i := range cms.Items {
		objs.ConfigMaps[cms.Items[i].Name] = &cms.Items[i]
	}
	var ss corev1.SecretList
	if err := k.cp.Client.List(ctx, &ss, client.InNamespace(ns)); err != nil {
		return objs, err
	}
	for i := range ss.Items {
		objs.Secrets[ss.Items[i].Name] = &ss.Items[i]
	}
	return objs, nil
}

// volumes are the directories behind a pod's volumes: a claim's is its
// bound PersistentVolume's host path, so data outlives the pod as it
// outlives a broker pod rolled by its StatefulSet; an emptyDir lives in the
// pod's directory.
func (k *kubelet) volumes(ctx context.Context, p *corev1.Pod, dir string) podrun.VolumeDirs {
	return func(name string) (string, error) {
		d := filepath.Join(dir, "volumes", name)
		for _, v := range p.Spec.Volumes {
			if v.Name != name || v.PersistentVolumeClaim == nil {
				continue
			}
			var pvc corev1.PersistentVolumeClaim
			if err := k.cp.Client.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: v.PersistentVolumeClaim.ClaimName}, &pvc); err != nil {
				return "", fmt.Errorf("claim %s: %w", v.PersistentVolumeClaim.ClaimName, err)
			}
			var pv corev1.PersistentVolume
			if err := k.cp.Client.Get(ctx, client.ObjectKey{Name: pvc.Spec.VolumeName}, &pv); err != nil {
				return "", fmt.Errorf("claim %s is not bound to a volume: %w", pvc.Name, err)
			}
			if pv.Spec.HostPath == nil {
				return "", fmt.Errorf("volume %s of claim %s has no host path", pv.Name, pvc.Name)
			}
			d = pv.Spec.HostPath.Path
		}
		return d, os.MkdirAll(d, 0o755)
	}
}

// report writes the pod's status when it differs from what the API holds.
func (k *kubelet) report(ctx context.Context, p *corev1.Pod, r *runningPod) error {
	st := k.status(p, r.pod.Status())
	if equality.Semantic.DeepEqual(st, p.Status) {
		return nil
	}
	p = p.DeepCopy()
	p.Status = st
	return k.cp.Client.Status().Update(ctx, p)
}

// status is the pod status a kubelet reports from what podrun observed:
// the conditions keep their transition times while they hold.
func (k *kubelet) status(p *corev1.Pod, run corev1.PodStatus) corev1.PodStatus {
	st := run
	st.HostIP = k.net.Gateway().String()
	st.HostIPs = []corev1.HostIP{{IP: st.HostIP}}
	st.PodIPs = []corev1.PodIP{{IP: st.PodIP}}
	st.QOSClass = p.Status.QOSClass
	ready := corev1.ConditionFalse
	for _, c := range run.Conditions {
		if c.Type == corev1.PodReady {
			ready = c.Status
		}
	}
	initialized := corev1.ConditionTrue
	if run.Phase == corev1.PodPending {
		initialized = corev1.ConditionFalse
	}
	// A pod whose container has never run (an image it cannot get, a
	// missing Secret) is Pending, as the kubelet reports it.
	for _, c := range run.ContainerStatuses {
		if c.State.Waiting != nil && c.LastTerminationState.Terminated == nil {
			st.Phase = corev1.PodPending
		}
	}
	want := []corev1.PodCondition{
		{Type: corev1.PodReadyToStartContainers, Status: corev1.ConditionTrue},
		{Type: corev1.PodInitialized, Status: initialized},
		{Type: corev1.PodReady, Status: ready},
		{Type: corev1.ContainersReady, Status: ready},
		{Type: corev1.PodScheduled, Status: corev1.ConditionTrue},
	}
	now := metav1.NewTime(time.Now().Truncate(time.Second))
	for i := range want {
		want[i].LastTransitionTime = now
		for _, old := range p.Status.Conditions {
			if old.Type == want[i].Type && old.Status == want[i].Status {
				want[i].LastTransitionTime = old.LastTransitionTime
				want[i].Reason, want[i].Message = old.Reason, old.Message
			}
		}
		if want[i].Status == corev1.ConditionFalse && (want[i].Type == corev1.PodReady || want[i].Type == corev1.ContainersReady) {
			want[i].Reason = "ContainersNotReady"
			want[i].Message = "containers with unready status: [" + strings.Join(unready(run), " ") + "]"
		}
	}
	st.Conditions = want
	// The API server keeps times to the second: compare like with like.
	if st.StartTime != nil {
		st.StartTime = &metav1.Time{Time: st.StartTime.Truncate(time.Second)}
	}
	for i := range st.ContainerStatuses {
		truncateTimes(&st.ContainerStatuses[i])
	}
	for i := range st.InitContainerStatuses {
		truncateTimes(&st.InitContainerStatuses[i])
	}
	return st
}

func unready(st corev1.PodStatus) []string {
	var out []string
	for _, c := range st.ContainerStatuses {
		if !c.Ready {
			out = append(out, c.Name)
		}
	}
	sort.Strings(out)
	return out
}

func truncateTimes(cs *corev1.ContainerStatus) {
	for _, s := range []*corev1.ContainerState{&cs.State, &cs.LastTerminationState} {
		if s.Running != nil {
			s.Running.StartedAt = metav1.NewTime(s.Running.StartedAt.Truncate(time.Second))
		}
		if s.Terminated != nil {
			s.Terminated.StartedAt = metav1.NewTime(s.Terminated.StartedAt.Truncate(time.Second))
			s.Terminated.FinishedAt = metav1.NewTime(s.Terminated.FinishedAt.Truncate(time.Second))
		}
	}
}

// terminate stops a pod that is being deleted (its containers get SIGTERM
// and their grace period) and then removes it from the API, as the kubelet
// confirms a graceful deletion.
func (k *kubelet) terminate(ctx context.Context, p *corev1.Pod, r *runningPod) {
	uid := p.UID
	key := client.ObjectKeyFromObject(p)
	confirm := func() {
		del := &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Namespace: key.Namespace, Name: key.Name}}
		err := k.cp.Client.Delete(ctx, del, client.GracePeriodSeconds(0), client.Preconditions{UID: &uid})
		if err != nil && !apierrors.IsNotFound(err) && !apierrors.IsConflict(err) && ctx.Err() == nil {
			k.cp.logf("kubelet: delete pod %s: %v", key, err)
		}
	}
	if r == nil { // nothing runs: confirm at once
		confirm()
		return
	}
	k.mu.Lock()
	if r.terminated {
		k.mu.Unlock()
		return
	}
	r.terminated = true
	k.mu.Unlock()
	go func() {
		r.pod.Stop()
		k.cp.logf("kubelet: stopped pod %s", key)
		confirm()
		k.mu.Lock()
		delete(k.pods, uid)
		k.mu.Unlock()
	}()
}

// stopAll stops every pod, at the end of the control plane.
func (k *kubelet) stopAll() {
	k.mu.Lock()
	var all []*runningPod
	for uid, r := range k.pods {
		all = append(all, r)
		delete(k.pods, uid)
	}
	k.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range all {
		wg.Add(1)
		go func() { defer wg.Done(); r.pod.Stop() }()
	}
	wg.Wait()
}

// Pod is the running pod ns/name of the local nodes, for a test that acts
// on its processes (stop a container as a crash would).
func (c *ControlPlane) Pod(ns, name string) (*podrun.Pod, error) {
	k := c.kubelet
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, r := range k.pods {
		if r.key.Namespace == ns && r.key.Name == name && !r.terminated {
			return r.pod, nil
		}
	}
	return nil, fmt.Errorf("pod %s/%s does not run on the local nodes", ns, name)
}
