package podrun

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ImageResolver maps a container image to the binary that is its
// entrypoint.
type ImageResolver func(image string) (string, error)

// Config describes one pod to run.
type Config struct {
	Name, Namespace     string
	Labels, Annotations map[string]string
	Spec                corev1.PodSpec
	Objects             Objects
	// LookupObjects, when set, replaces Objects: it is called at every
	// container start, as the kubelet reads the ConfigMaps and Secrets a
	// container names when it starts it (a pod created before its
	// ConfigMap starts once the ConfigMap exists).
	LookupObjects func() (Objects, error)
	Resolve       ImageResolver
	// Dir holds the pod's state: volumes/, files/, logs/, root/ (the
	// working directory, standing for the image's empty root).
	Dir string
	// Volumes supplies claim-template and emptyDir directories; by default
	// Dir/volumes/<name>, which survives container restarts. Give a pod
	// that is recreated the same Dir (or Volumes) to keep its claims.
	Volumes VolumeDirs
	// BackOff is the first restart delay after a container exits (the
	// kubelet's 10s by default), doubling up to 5 minutes.
	BackOff time.Duration
}

// Pod is a running pod.
type Pod struct {
	cfg Config
	net *Network
	sb  *Sandbox

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	init     []*containerState
	ctrs     []*containerState
	initDone bool
	started  time.Time
}

type containerState struct {
	spec corev1.Container
	// hostsFile, when set, is an existing /etc/hosts for the process
	// instead of one written from the network's current names.
	hostsFile string
	status    corev1.ContainerStatus
	logPath   string
	proc      *os.Process
	stopped   bool
}

// Start creates the pod's sandbox on n and starts its containers: init
// containers one after another, each to success, then every container.
func Start(n *Network, cfg Config) (*Pod, error) {
	if cfg.BackOff == 0 {
		cfg.BackOff = 10 * time.Second
	}
	if cfg.Volumes == nil {
		cfg.Volumes = func(v string) (string, error) {
			d := filepath.Join(cfg.Dir, "volumes", v)
			return d, os.MkdirAll(d, 0o755)
		}
	}
	for _, d := range []string{"logs", "root", "files"} {
		if err := os.MkdirAll(filepath.Join(cfg.Dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	if err := traversable(cfg.Dir); err != nil {
		return nil, err
	}
	sb, err := n.NewSandbox()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	p := &Pod{cfg: cfg, net: n, sb: sb, ctx: ctx, cancel: cancel, started: time.Now()}
	mk := func(c corev1.Container) *containerState {
		return &containerState{spec: c, logPath: filepath.Join(cfg.Dir, "logs", c.Name+".log"), status: corev1.ContainerStatus{
			Name: c.Name, Image: c.Image,
			State: corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: "PodInitializing"}},
		}}
	}
	for _, c := range cfg.Spec.InitContainers {
		p.init = append(p.init, mk(c))
	}
	for _, c := range cfg.Spec.Containers {
		p.ctrs = append(p.ctrs, mk(c))
	}
	p.wg.Add(1)
	go p.run()
	return p, nil
}

// IP is the pod IP.
func (p *Pod) IP() string { return p.sb.IP.String() }

// Name is the pod name.
func (p *Pod) Name() string { return p.cfg.Name }

func (p *Pod) run() {
	defer p.wg.Done()
	for _, c := range p.init {
		if !p.runToSuccess(c) {
			return
		}
	}
	p.mu.Lock()
	p.initDone = true
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, c := range p.ctrs {
		wg.Add(1)
		go func() { defer wg.Done(); p.keepRunning(c) }()
	}
	wg.Wait()
}

// runToSuccess runs an init container until it exits 0, with back-off.
func (p *Pod) runToSuccess(c *containerState) bool {
	backoff := p.cfg.BackOff
	for {
		code, err := p.runOnce(c, false)
		if p.ctx.Err() != nil {
			return false
		}
		if err == nil && code == 0 {
			return true
		}
		if !p.wait(c, &backoff, !errors.Is(err, errNotStarted)) {
			return false
		}
	}
}

// keepRunning is restartPolicy Always.
func (p *Pod) keepRunning(c *containerState) {
	backoff := p.cfg.BackOff
	for {
		start := time.Now()
		_, err := p.runOnce(c, true)
		if p.ctx.Err() != nil {
			return
		}
		if time.Since(start) > 10*time.Minute {
			backoff = p.cfg.BackOff // the kubelet forgets a back-off after ten quiet minutes
		}
		if !p.wait(c, &backoff, !errors.Is(err, errNotStarted)) {
			return
		}
	}
}

func (p *Pod) setWaiting(c *containerState, reason, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	c.status.State = corev1.ContainerState{Waiting: &corev1.ContainerStateWaiting{Reason: reason, Message: msg}}
}

// wait shows CrashLoopBackOff for the back-off delay after an exit (a
// container that never started keeps its own reason), then doubles it.
func (p *Pod) wait(c *containerState, backoff *time.Duration, started bool) bool {
	if started {
		p.setWaiting(c, "CrashLoopBackOff", fmt.Sprintf("back-off %s restarting failed container=%s pod=%s", *backoff, c.spec.Name, p.cfg.Name))
	}
	select {
	case <-p.ctx.Done():
		return false
	case <-time.After(*backoff):
	}
	*backoff = min(2**backoff, 5*time.Minute)
	return true
}

// errNotStarted is a container that could not be created: its waiting
// reason (ImagePullBackOff, CreateContainerConfigError, ...) stays visible
// while it is retried, as the kubelet shows it.
var errNotStarted = errors.New("container not started")

// runOnce starts the container's process, probes it while it runs, and
// records how it ended.
func (p *Pod) runOnce(c *containerState, probe bool) (int, error) {
	if _, err := p.cfg.Resolve(c.spec.Image); err != nil {
		p.setWaiting(c, "ImagePullBackOff", fmt.Sprintf("Back-off pulling image %q: %v", c.spec.Image, err))
		return -1, errNotStarted
	}
	cmd, err := p.command(c)
	if err != nil {
		p.setWaiting(c, "CreateContainerConfigError", err.Error())
		return -1, errNotStarted
	}
	log, err := os.OpenFile(c.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return -1, err
	}
	defer log.Close()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		p.setWaiting(c, "RunContainerError", err.Error())
		return -1, errNotStarted
	}
	started := metav1.Now()
	p.mu.Lock()
	c.proc = cmd.Process
	c.status.State = corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}}
	c.status.Started = ptrTrue()
	c.status.Ready = false
	p.mu.Unlock()

	exited := make(chan struct{})
	probeCtx, stopProbes := context.WithCancel(p.ctx)
	var probes sync.WaitGroup
	if probe {
		if rp := c.spec.ReadinessProbe; rp != nil {
			probes.Add(1)
			go func() { defer probes.Done(); p.probeLoop(probeCtx, c, rp, false) }()
		} else {
			p.mu.Lock()
			c.status.Ready = true
			p.mu.Unlock()
		}
		if lp := c.spec.LivenessProbe; lp != nil {
			probes.Add(1)
			go func() { defer probes.Done(); p.probeLoop(probeCtx, c, lp, true) }()
		}
	}
	go func() {
		select {
		case <-p.ctx.Done():
			p.terminate(cmd.Process, exited)
		case <-exited:
		}
	}()
	werr := cmd.Wait()
	close(exited)
	stopProbes()
	probes.Wait()

	code := cmd.ProcessState.ExitCode()
	reason := "Completed"
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		code = 128 + int(ws.Signal())
		reason = "Error"
	} else if code != 0 {
		reason = "Error"
	}
	term := &corev1.ContainerStateTerminated{ExitCode: int32(code), Reason: reason, StartedAt: started, FinishedAt: metav1.Now()}
	p.mu.Lock()
	c.proc = nil
	c.status.Ready = false
	c.status.Started = ptrFalse()
	c.status.State = corev1.ContainerState{Terminated: term}
	if p.ctx.Err() == nil {
		// It will be started again: what ended becomes the last state.
		c.status.LastTerminationState = corev1.ContainerState{Terminated: term}
		c.status.RestartCount++
	}
	p.mu.Unlock()
	var exitErr *exec.ExitError
	if werr != nil && !errors.As(werr, &exitErr) {
		return code, werr
	}
	return code, nil
}

// probeLoop runs one probe with its timing. A failed liveness verdict kills
// the process (which then restarts); a readiness verdict sets Ready.
func (p *Pod) probeLoop(ctx context.Context, c *containerState, probe *corev1.Probe, liveness bool) {
	pr := newProber(probe, liveness)
	select {
	case <-ctx.Done():
		return
	case <-time.After(time.Duration(probe.InitialDelaySeconds) * time.Second):
	}
	t := time.NewTicker(time.Duration(pr.probe.PeriodSeconds) * time.Second)
	defer t.Stop()
	for {
		ok := pr.observe(p.runProbe(ctx, pr.probe, c))
		if ctx.Err() != nil {
			return
		}
		p.mu.Lock()
		if liveness {
			if !ok && c.proc != nil {
				_ = c.proc.Signal(syscall.SIGKILL)
			}
		} else {
			c.status.Ready = ok
		}
		p.mu.Unlock()
		if liveness && !ok {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// terminate is a pod deletion: SIGTERM, then SIGKILL after the grace period.
func (p *Pod) terminate(proc *os.Process, exited <-chan struct{}) {
	grace := 30 * time.Second
	if g := p.cfg.Spec.TerminationGracePeriodSeconds; g != nil {
		grace = time.Duration(*g) * time.Second
	}
	_ = proc.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(grace):
		_ = proc.Signal(syscall.SIGKILL)
	}
}

// command builds the process of a container: the image's binary (our images
// hold nothing else, so command[0], when set, can only name it), arguments
// and environment with $(VAR) expanded and mounted paths mapped, in the pod's
// network namespace, as the pod's user without any capability or new
// privileges.
func (p *Pod) command(c *containerState) (*exec.Cmd, error) {
	bin, err := p.cfg.Resolve(c.spec.Image)
	if err != nil {
		return nil, err
	}
	node := p.cfg.Spec.NodeName
	if node == "" {
		node = "podrun"
	}
	d := Downward{
		PodName: p.cfg.Name, Namespace: p.cfg.Namespace, PodIP: p.sb.IP.String(),
		NodeName: node, ServiceAccountName: p.cfg.Spec.ServiceAccountName,
		Labels: p.cfg.Labels, Annotations: p.cfg.Annotations,
	}
	objs := p.cfg.Objects
	if p.cfg.LookupObjects != nil {
		if objs, err = p.cfg.LookupObjects(); err != nil {
			return nil, err
		}
	}
	env, err := ResolveEnv(c.spec, objs, d)
	if err != nil {
		return nil, err
	}
	uid, gid, groups := identity(p.cfg.Spec.SecurityContext, c.spec.SecurityContext)
	mounts, err := MakeMounts(p.cfg.Spec, c.spec, objs, p.ownedVolumes(uid, gid), filepath.Join(p.cfg.Dir, "files"), uid, gid)
	if err != nil {
		return nil, err
	}
	var args []string
	if len(c.spec.Command) > 1 {
		args = append(args, c.spec.Command[1:]...)
	}
	args = append(args, c.spec.Args...)
	for i, a := range args {
		args[i] = mounts.Map(Expand(a, env))
	}
	env = mounts.MapValues(env)
	env["HOSTNAME"] = p.cfg.Name

	// The container's own /etc/hosts, bind-mounted in a mount namespace
	// of its own, so names resolve as in its pod and nothing else changes.
	// A command run in a running container (an exec probe) sees the file
	// the container started with.
	hosts := c.hostsFile
	if hosts == "" {
		hosts = hostsPath(p.cfg.Dir, c.spec.Name)
		if err := os.WriteFile(hosts, p.net.hostsFile(p.cfg.Name, p.sb.IP), 0o644); err != nil {
			return nil, err
		}
		p.net.track(hosts, p.cfg.Name, p.sb.IP, false)
	}
	priv := []string{"--net=" + p.sb.NetnsPath(), "--",
		"unshare", "--mount", "--propagation", "private", "--",
		"sh", "-c", `mount --bind "$0" /etc/hosts && exec "$@"`, hosts,
		"setpriv", "--reuid=" + strconv.Itoa(uid), "--regid=" + strconv.Itoa(gid), "--groups=" + groups,
		"--no-new-privs", "--inh-caps=-all", "--bounding-set=-all", "--pdeathsig=SIGKILL", "--", bin}
	cmd := exec.Command("nsenter", append(priv, args...)...)
	cmd.Env = Environ(env)
	cmd.Dir = filepath.Join(p.cfg.Dir, "root")
	// A process group of its own, as a container's init is alone in its
	// PID namespace: a stopped container must stay stopped, and in the
	// caller's group the kernel continues it (SIGHUP, SIGCONT) as soon as
	// that group is orphaned by some other process's exit.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	return cmd, nil
}

// hostsPath is the /etc/hosts file of container name of the pod in dir.
func hostsPath(dir, name string) string { return filepath.Join(dir, "files", name+".hosts") }

// ownedVolumes hands out volume directories owned by the pod's group, as
// fsGroup makes them.
func (p *Pod) ownedVolumes(uid, gid int) VolumeDirs {
	return func(v string) (string, error) {
		d, err := p.cfg.Volumes(v)
		if err != nil {
			return "", err
		}
		if err := os.Chown(d, uid, gid); err != nil {
			return "", err
		}
		return d, os.Chmod(d, 0o770)
	}
}

// identity is the uid, gid and supplementary groups a container runs as.
func identity(pod *corev1.PodSecurityContext, ctr *corev1.SecurityContext) (int, int, string) {
	uid, gid := 65532, 65532 // the images' USER
	groups := []int64{}
	if pod != nil {
		if pod.RunAsUser != nil {
			uid = int(*pod.RunAsUser)
		}
		if pod.RunAsGroup != nil {
			gid = int(*pod.RunAsGroup)
		}
		if pod.FSGroup != nil {
			groups = append(groups, *pod.FSGroup)
		}
		groups = append(groups, pod.SupplementalGroups...)
	}
	if ctr != nil {
		if ctr.RunAsUser != nil {
			uid = int(*ctr.RunAsUser)
		}
		if ctr.RunAsGroup != nil {
			gid = int(*ctr.RunAsGroup)
		}
	}
	s := strconv.Itoa(gid)
	for _, g := range groups {
		s += "," + strconv.FormatInt(g, 10)
	}
	return uid, gid, s
}

// traversable lets the pod's user reach dir: a container sees its volumes
// at their mount paths, here they are directories under dir, and temporary
// directories are created 0700. Each ancestor up to / that others cannot
// search gets o+x (search only: nothing becomes readable).
func traversable(dir string) error {
	d, err := filepath.Abs(dir)
	if err != nil {
		return err
	}
	for ; d != "/"; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 != 0 {
			continue
		}
		if err := os.Chmod(d, fi.Mode()|0o001); err != nil {
			return err
		}
	}
	return nil
}

// Status is the pod's status as the kubelet would report it.
func (p *Pod) Status() corev1.PodStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	st := corev1.PodStatus{Phase: corev1.PodRunning, PodIP: p.sb.IP.String(), StartTime: &metav1.Time{Time: p.started}}
	if !p.initDone {
		st.Phase = corev1.PodPending
	}
	ready := p.initDone
	for _, c := range p.init {
		st.InitContainerStatuses = append(st.InitContainerStatuses, c.status)
	}
	for _, c := range p.ctrs {
		st.ContainerStatuses = append(st.ContainerStatuses, c.status)
		ready = ready && c.status.Ready
	}
	cond := corev1.ConditionFalse
	if ready {
		cond = corev1.ConditionTrue
	}
	st.Conditions = []corev1.PodCondition{
		{Type: corev1.PodReady, Status: cond},
		{Type: corev1.ContainersReady, Status: cond},
	}
	return st
}

// Ready reports the pod's Ready condition.
func (p *Pod) Ready() bool {
	for _, c := range p.Status().Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// Logs returns what container name wrote so far (stdout and stderr).
func (p *Pod) Logs(name string) string {
	b, _ := os.ReadFile(filepath.Join(p.cfg.Dir, "logs", name+".log"))
	return string(b)
}

// Stop deletes the pod: containers get SIGTERM and their grace period, then
// the sandbox goes.
func (p *Pod) Stop() {
	p.cancel()
	p.wg.Wait()
	for _, c := range p.ctrs {
		p.net.track(hostsPath(p.cfg.Dir, c.spec.Name), "", netip.Addr{}, true)
	}
	p.sb.Close()
}

// StopContainer kills the running process of container name (as a crash
// would), without stopping the pod: the container restarts after back-off.
func (p *Pod) StopContainer(name string, sig syscall.Signal) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.ctrs {
		if c.spec.Name == name && c.proc != nil {
			return c.proc.Signal(sig)
		}
	}
	return fmt.Errorf("container %s is not running", name)
}

// WaitFor polls cond every 200ms until it holds or ctx ends.
func WaitFor(ctx context.Context, cond func() bool) error {
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	return nil
}

func sleep(ms int) { time.Sleep(time.Duration(ms) * time.Millisecond) }

func ptrTrue() *bool  { b := true; return &b }
func ptrFalse() *bool { b := false; return &b }
