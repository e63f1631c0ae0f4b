package controlplane

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"sort"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// clusterDNS stands for cluster DNS and kube-proxy together: every pod's
// /etc/hosts (and the provider's) maps a Service's names to the address of
// one of its ready endpoints, as a client of a ClusterIP Service reaches
// one of them; a headless Service's pods also get their own names
// (rivven-x-0.rivven-x-headless.ns.svc). A ClusterIP Service without a
// ready endpoint names the nodes' address, where nothing listens, so a
// client is refused as kube-proxy refuses it; a headless one without
// endpoints has no name, as in DNS.
type clusterDNS struct {
	cp *ControlPlane
	k  *kubelet
	// refused is the address a ClusterIP Service without endpoints names.
	refused netip.Addr
	last    map[string]netip.Addr
}

// run refreshes the names every period until ctx ends.
func (d *clusterDNS) run(ctx context.Context, period time.Duration) {
	every(ctx, period, func() {
		if err := d.sync(ctx); err != nil && ctx.Err() == nil {
			d.cp.logf("cluster DNS: %v", err)
		}
	})
}

func (d *clusterDNS) sync(ctx context.Context) error {
	var svcs corev1.ServiceList
	if err := d.cp.Client.List(ctx, &svcs); err != nil {
		return err
	}
	var slices discoveryv1.EndpointSliceList
	if err := d.cp.Client.List(ctx, &slices); err != nil {
		return err
	}
	names := serviceNames(svcs.Items, slices.Items, d.refused)
	if d.last != nil && mapsEqual(names, d.last) {
		return nil
	}
	if err := d.k.net.SetHosts(names); err != nil {
		return err
	}
	if err := d.cp.writeHosts(names); err != nil {
		return err
	}
	d.last = names
	return nil
}

// serviceNames are the names every Service and its endpoints resolve to.
func serviceNames(svcs []corev1.Service, slices []discoveryv1.EndpointSlice, refused netip.Addr) map[string]netip.Addr {
	names := map[string]netip.Addr{}
	for _, svc := range svcs {
		if svc.Namespace == "default" && svc.Name == "kubernetes" {
			continue
		}
		var ready []netip.Addr
		hosts := map[string]netip.Addr{}
		for _, s := range slices {
			if s.Namespace != svc.Namespace || s.Labels[discoveryv1.LabelServiceName] != svc.Name || s.AddressType != discoveryv1.AddressTypeIPv4 {
				continue
			}
			for _, e := range s.Endpoints {
				// The EndpointSlice controller marks the endpoints of a
				// Service that publishes not-ready addresses ready too.
				if e.Conditions.Ready != nil && !*e.Conditions.Ready {
					continue
				}
				for _, a := range e.Addresses {
					ip, err := netip.ParseAddr(a)
					if err != nil {
						continue
					}
					ready = append(ready, ip)
					if e.Hostname != nil {
						hosts[*e.Hostname] = ip
					}
				}
			}
		}
		sort.Slice(ready, func(i, j int) bool { return ready[i].Less(ready[j]) })
		base := svc.Name + "." + svc.Namespace
		add := func(prefix string, ip netip.Addr) {
			for _, n := range []string{prefix, prefix + ".svc", prefix + ".svc.cluster.local"} {
				names[n] = ip
			}
		}
		switch {
		case len(ready) > 0:
			add(base, ready[0])
		case svc.Spec.ClusterIP != corev1.ClusterIPNone:
			add(base, refused)
		}
		for h, ip := range hosts {
			add(h+"."+base, ip)
		}
	}
	return names
}

func mapsEqual(a, b map[string]netip.Addr) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// writeHosts writes, in place, the hosts file the provider sees as
// /etc/hosts: the machine's own entries plus the cluster's names.
func (c *ControlPlane) writeHosts(names map[string]netip.Addr) error {
	base, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.Write(base)
	if len(base) > 0 && base[len(base)-1] != '\n' {
		b.WriteByte('\n')
	}
	keys := make([]string, 0, len(names))
	for n := range names {
		keys = append(keys, n)
	}
	sort.Strings(keys)
	for _, n := range keys {
		fmt.Fprintf(&b, "%s\t%s\n", names[n], n)
	}
	if old, err := os.ReadFile(c.hostsFile()); err == nil && bytes.Equal(old, b.Bytes()) {
		return nil
	}
	return os.WriteFile(c.hostsFile(), b.Bytes(), 0o644)
}

// ServiceAddr is where a Service's name resolves now, for a test that
// dials it (the test process has no cluster DNS of its own).
func (c *ControlPlane) ServiceAddr(ctx context.Context, ns, name string) (string, error) {
	var svc corev1.Service
	if err := c.Client.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &svc); err != nil {
		return "", err
	}
	var slices discoveryv1.EndpointSliceList
	if err := c.Client.List(ctx, &slices, client.InNamespace(ns), client.MatchingLabels{discoveryv1.LabelServiceName: name}); err != nil {
		return "", err
	}
	n := serviceNames([]corev1.Service{svc}, slices.Items, netip.Addr{})
	ip, ok := n[name+"."+ns+".svc"]
	if !ok || !ip.IsValid() {
		return "", fmt.Errorf("service %s/%s has no ready endpoint", ns, name)
	}
	return ip.String(), nil
}
