package controlplane

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// PodNetwork is the pods' network: a bridge in the harness's private
// network namespace (podrun), the nodes' address its first.
var PodNetwork = netip.MustParsePrefix("10.244.0.0/16")

// startNodes registers the local nodes (one per zone, so the brokers'
// zone spreading and anti-affinity schedule as on a cluster) and starts
// their kubelet and the cluster DNS.
func (c *ControlPlane) startNodes(ctx context.Context) error {
	n, err := podrun.NewNetwork("rivven0", PodNetwork)
	if err != nil {
		return err
	}
	k := &kubelet{cp: c, net: n, nodes: map[string]bool{}, resolve: c.resolveImage, backOff: 10 * time.Second, pods: map[types.UID]*runningPod{}}
	for i := range c.opts.Nodes {
		name := fmt.Sprintf("rivven-node-%d", i)
		k.nodes[name] = true
		node := &corev1.Node{ObjectMeta: metav1.ObjectMeta{
			Name: name,
			Labels: map[string]string{
				"kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": c.Build.Arch,
				"topology.kubernetes.io/zone": fmt.Sprintf("zone-%d", i%3),
			},
		}}
		if err := c.Client.Create(ctx, node); err != nil {
			return err
		}
	}
	if err := c.heartbeat(ctx, k, n.Gateway()); err != nil {
		return err
	}
	c.kubelet = k
	dns := &clusterDNS{cp: c, k: k, refused: n.Gateway()}
	if err := dns.sync(ctx); err != nil {
		return err
	}
	go k.run(c.bg, 500*time.Millisecond)
	go dns.run(c.bg, time.Second)
	go every(c.bg, 10*time.Second, func() {
		if err := c.heartbeat(c.bg, k, n.Gateway()); err != nil && c.bg.Err() == nil {
			c.logf("node heartbeat: %v", err)
		}
	})
	c.logf("nodes %d, pods on bridge %s (%s); their kubelet runs the pods' binaries", c.opts.Nodes, PodNetwork, n.Gateway())
	return nil
}

// heartbeat writes each node's status: Ready, its capacity and address.
func (c *ControlPlane) heartbeat(ctx context.Context, k *kubelet, addr netip.Addr) error {
	now := metav1.Now()
	for name := range k.nodes {
		var node corev1.Node
		if err := c.Client.Get(ctx, client.ObjectKey{Name: name}, &node); err != nil {
			return err
		}
		since := now
		for _, cond := range node.Status.Conditions {
			if cond.Type == corev1.NodeReady && cond.Status == corev1.ConditionTrue {
				since = cond.LastTransitionTime
			}
		}
		node.Status.Capacity, node.Status.Allocatable = nodeResources(), nodeResources()
		node.Status.Phase = corev1.NodeRunning
		node.Status.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: addr.String()}, {Type: corev1.NodeHostName, Address: name}}
		node.Status.NodeInfo = corev1.NodeSystemInfo{OperatingSystem: "linux", Architecture: c.Build.Arch, KubeletVersion: "podrun"}
		node.Status.Conditions = []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			Message:           "the harness's kubelet runs this node's pods as local processes",
			LastHeartbeatTime: now, LastTransitionTime: since,
		}}
		if err := c.Client.Status().Update(ctx, &node); err != nil {
			return err
		}
	}
	return nil
}

// resolveImage maps a composed image to the binary of make rivven that is
// its entrypoint; an image the nodes do not hold fails as a pull would.
func (c *ControlPlane) resolveImage(image string) (string, error) {
	bin, err := rivvenbin.Resolve(image)
	if err != nil {
		return "", fmt.Errorf("%w (the local nodes hold only the images of make rivven's releases)", err)
	}
	return bin, nil
}
