package controlplane

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func TestServiceNames(t *testing.T) {
	refused := netip.MustParseAddr("10.244.0.1")
	svc := func(name, clusterIP string) corev1.Service {
		return corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "ns", Name: name}, Spec: corev1.ServiceSpec{ClusterIP: clusterIP}}
	}
	ep := func(ip string, ready bool, host string) discoveryv1.Endpoint {
		e := discoveryv1.Endpoint{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}
		if host != "" {
			e.Hostname = &host
		}
		return e
	}
	slice := func(svc string, eps ...discoveryv1.Endpoint) discoveryv1.EndpointSlice {
		return discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Namespace: "ns", Name: svc + "-x", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
			AddressType: discoveryv1.AddressTypeIPv4, Endpoints: eps,
		}
	}
	names := func(prefix, ip string) map[string]netip.Addr {
		a := netip.MustParseAddr(ip)
		return map[string]netip.Addr{prefix: a, prefix + ".svc": a, prefix + ".svc.cluster.local": a}
	}
	merge := func(ms ...map[string]netip.Addr) map[string]netip.Addr {
		out := map[string]netip.Addr{}
		for _, m := range ms {
			for k, v := range m {
				out[k] = v
			}
		}
		return out
	}
	cases := map[string]struct {
		svcs   []corev1.Service
		slices []discoveryv1.EndpointSlice
		want   map[string]netip.Addr
	}{
		"ClusterIP Service names its lowest ready endpoint": {
			svcs:   []corev1.Service{svc("b", "10.0.0.9")},
			slices: []discoveryv1.EndpointSlice{slice("b", ep("10.244.0.7", true, ""), ep("10.244.0.3", false, ""), ep("10.244.0.5", true, ""))},
			want:   names("b.ns", "10.244.0.5"),
		},
		"ClusterIP Service without a ready endpoint is refused at the nodes' address": {
			svcs:   []corev1.Service{svc("b", "10.0.0.9")},
			slices: []discoveryv1.EndpointSlice{slice("b", ep("10.244.0.3", false, ""))},
			want:   names("b.ns", "10.244.0.1"),
		},
		"headless Service: its pods by hostname, no name without endpoints": {
			svcs:   []corev1.Service{svc("h", corev1.ClusterIPNone), svc("empty", corev1.ClusterIPNone)},
			slices: []discoveryv1.EndpointSlice{slice("h", ep("10.244.0.4", true, "b-0"), ep("10.244.0.6", true, "b-1"))},
			want:   merge(names("h.ns", "10.244.0.4"), names("b-0.h.ns", "10.244.0.4"), names("b-1.h.ns", "10.244.0.6")),
		},
		"the API server's own Service is left out": {
			svcs: []corev1.Service{{ObjectMeta: metav1.ObjectMeta{Namespace: "default", Name: "kubernetes"}, Spec: corev1.ServiceSpec{ClusterIP: "10.0.0.1"}}},
			want: map[string]netip.Addr{},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := serviceNames(tc.svcs, tc.slices, refused)
			if d := cmp.Diff(tc.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); d != "" {
				t.Errorf("serviceNames (-want +got):\n%s", d)
			}
		})
	}
}
