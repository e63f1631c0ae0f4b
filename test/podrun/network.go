package podrun

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"net/netip"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// envInNetns marks a process that ReexecInPrivateNetwork already moved.
const envInNetns = "PODRUN_PRIVATE_NETNS"

// ReexecInPrivateNetwork re-executes the running program in a network
// namespace of its own (unshare --net) unless it already runs in one, so the
// pod network it builds (a bridge, one veth per pod, addresses, routes)
// exists only for this process and vanishes with it: nothing on the machine
// changes and no pod is reachable from outside. Call it first in TestMain;
// it returns only in the re-executed process, or with an error.
func ReexecInPrivateNetwork() error {
	if os.Getenv(envInNetns) == "1" {
		return run("ip", "link", "set", "lo", "up")
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("pods need network namespaces and user switching: run as root (uid %d)", os.Geteuid())
	}
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		return fmt.Errorf("unshare (util-linux) is required: %w", err)
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	// The namespace the program started in stays reachable through an
	// inherited descriptor (no close-on-exec), for ListenOutside.
	outer, err := syscall.Open("/proc/self/ns/net", syscall.O_RDONLY, 0)
	if err != nil {
		return err
	}
	env := append(os.Environ(), envInNetns+"=1", envOuterNetns+"="+strconv.Itoa(outer))
	return syscall.Exec(unshare, append([]string{"unshare", "--net", "--", self}, os.Args[1:]...), env)
}

// Network is a bridge in the caller's private network namespace that pod
// sandboxes attach to. The caller reaches every pod by its IP.
type Network struct {
	bridge string
	prefix netip.Prefix

	mu    sync.Mutex
	next  netip.Addr
	hosts map[string]netip.Addr
	// files are the /etc/hosts of the running containers (path: pod name
	// and IP), which SetHosts rewrites.
	files map[string]hostsOwner
}

type hostsOwner struct {
	pod string
	ip  netip.Addr
}

// AddHost makes name resolve to ip in every container started from now on,
// as cluster DNS resolves a Service name (rivven-x.ns.svc) to the pods
// behind it. Containers see it through their /etc/hosts.
func (n *Network) AddHost(name string, ip netip.Addr) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.hosts == nil {
		n.hosts = map[string]netip.Addr{}
	}
	n.hosts[name] = ip
}

// SetHosts replaces every name AddHost gave with names, and rewrites the
// /etc/hosts of every running container in place (the file stays the one
// bind-mounted into the container's mount namespace), as cluster DNS
// answers with the endpoints of now, not those of the container's start.
func (n *Network) SetHosts(names map[string]netip.Addr) error {
	n.mu.Lock()
	n.hosts = maps.Clone(names)
	files := maps.Clone(n.files)
	n.mu.Unlock()
	var errs []error
	for path, o := range files {
		if err := os.WriteFile(path, n.hostsFile(o.pod, o.ip), 0o644); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// track registers (or, with forget, removes) a container's hosts file.
func (n *Network) track(path, pod string, ip netip.Addr, forget bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if forget {
		delete(n.files, path)
		return
	}
	if n.files == nil {
		n.files = map[string]hostsOwner{}
	}
	n.files[path] = hostsOwner{pod: pod, ip: ip}
}

// hostsFile is the /etc/hosts of a container of pod name at ip, as the
// kubelet writes it (localhost and the pod's own name) plus the names given
// to AddHost.
func (n *Network) hostsFile(name string, ip netip.Addr) []byte {
	n.mu.Lock()
	defer n.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n%s\t%s\n", ip, name)
	names := make([]string, 0, len(n.hosts))
	for h := range n.hosts {
		names = append(names, h)
	}
	sort.Strings(names)
	for _, h := range names {
		fmt.Fprintf(&b, "%s\t%s\n", n.hosts[h], h)
	}
	return []byte(b.String())
}

// NewNetwork creates the bridge with the first address of prefix (a /24 of
// the caller's choosing; it exists only inside the private namespace).
func NewNetwork(bridge string, prefix netip.Prefix) (*Network, error) {
	if os.Getenv(envInNetns) != "1" {
		return nil, fmt.Errorf("podrun: NewNetwork outside a private network namespace; call ReexecInPrivateNetwork in TestMain")
	}
	gw := prefix.Masked().Addr().Next()
	steps := [][]string{
		{"ip", "link", "add", bridge, "type", "bridge"},
		{"ip", "addr", "add", netip.PrefixFrom(gw, prefix.Bits()).String(), "dev", bridge},
		{"ip", "link", "set", bridge, "up"},
	}
	for _, s := range steps {
		if err := run(s...); err != nil {
			return nil, err
		}
	}
	return &Network{bridge: bridge, prefix: prefix, next: gw.Next()}, nil
}

// Gateway is the caller's own address on the bridge.
func (n *Network) Gateway() netip.Addr { return n.prefix.Masked().Addr().Next() }

// Sandbox is a pod's network identity: a network namespace held open by a
// sleeping process, with one interface (eth0) holding the pod IP. Containers
// of the pod join it; it outlives container restarts, as a pod sandbox does.
type Sandbox struct {
	IP     netip.Addr
	holder *exec.Cmd
	veth   string
}

// NewSandbox creates a network namespace with a fresh address of n.
func (n *Network) NewSandbox() (*Sandbox, error) {
	n.mu.Lock()
	ip := n.next
	n.next = ip.Next()
	n.mu.Unlock()
	if !n.prefix.Contains(ip) {
		return nil, fmt.Errorf("podrun: network %s is full", n.prefix)
	}
	holder := exec.Command("unshare", "--net", "--", "sleep", "infinity")
	holder.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := holder.Start(); err != nil {
		return nil, err
	}
	sb := &Sandbox{IP: ip, holder: holder}
	// unshare creates the namespace before it execs sleep; wait until the
	// holder's namespace differs from ours.
	if err := waitNetnsDiffers(holder.Process.Pid); err != nil {
		sb.Close()
		return nil, err
	}
	idx := strings.ReplaceAll(ip.String(), ".", "")
	host, peer := "vh"+idx, "vp"+idx
	sb.veth = host
	pid := strconv.Itoa(holder.Process.Pid)
	in := func(args ...string) []string {
		return append([]string{"nsenter", "--net=/proc/" + pid + "/ns/net", "--"}, args...)
	}
	steps := [][]string{
		{"ip", "link", "add", host, "type", "veth", "peer", "name", peer},
		{"ip", "link", "set", peer, "netns", pid},
		{"ip", "link", "set", host, "master", n.bridge, "up"},
		in("ip", "link", "set", "lo", "up"),
		in("ip", "link", "set", peer, "name", "eth0"),
		in("ip", "addr", "add", netip.PrefixFrom(ip, n.prefix.Bits()).String(), "dev", "eth0"),
		in("ip", "link", "set", "eth0", "up"),
		in("ip", "route", "add", "default", "via", n.Gateway().String()),
	}
	for _, s := range steps {
		if err := run(s...); err != nil {
			sb.Close()
			return nil, err
		}
	}
	return sb, nil
}

// NetnsPath is the namespace file a container process joins.
func (s *Sandbox) NetnsPath() string {
	return "/proc/" + strconv.Itoa(s.holder.Process.Pid) + "/ns/net"
}

// Close ends the sandbox; its namespace and interfaces go with the holder.
func (s *Sandbox) Close() {
	if s.holder != nil && s.holder.Process != nil {
		_ = s.holder.Process.Kill()
		_ = s.holder.Wait()
	}
	if s.veth != "" {
		_ = exec.Command("ip", "link", "del", s.veth).Run()
	}
}

func waitNetnsDiffers(pid int) error {
	self, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		return err
	}
	for range 200 {
		if ns, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/net", pid)); err == nil && ns != self {
			return nil
		}
		sleep(10)
	}
	return fmt.Errorf("podrun: sandbox process %d never entered a network namespace of its own", pid)
}

func run(args ...string) error {
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
	return nil
}

// OnceNetwork returns a function that creates the network on its first call
// and returns the same one (or the same error) ever after: one pod network
// per test binary.
func OnceNetwork(bridge string, prefix netip.Prefix) func() (*Network, error) {
	return sync.OnceValues(func() (*Network, error) { return NewNetwork(bridge, prefix) })
}

// Main is the TestMain of a tier that runs pods: it moves the test binary
// into a private network namespace, then runs the tests and exits with their
// result (m is a *testing.M).
func Main(m interface{ Run() int }, tier string) {
	if err := ReexecInPrivateNetwork(); err != nil {
		fmt.Fprintln(os.Stderr, tier+":", err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}
