// Package composed runs the real composition functions in process on an XR,
// as Crossplane calls them for a new XR, and returns what they composed as
// typed objects, with the pods the workload controllers would create from
// them (for test/podrun). The broker and connect tiers share it.
package composed

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"google.golang.org/protobuf/types/known/structpb"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"

	"github.com/rivven/crossplane-rivven/functions/cluster"
	fnconnect "github.com/rivven/crossplane-rivven/functions/connect"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// Cluster is what function-rivven-cluster composed for one RivvenCluster.
type Cluster struct {
	// XR is the desired composite: the status the function publishes.
	XR          map[string]any
	StatefulSet *appsv1.StatefulSet
	ConfigMap   *corev1.ConfigMap
	AuthSecret  *corev1.Secret
	Headless    *corev1.Service
	Client      *corev1.Service
	// ServiceMonitor (nil unless composed) and ProviderConfig stay
	// unstructured.
	ServiceMonitor, ProviderConfig map[string]any
	Results                        []*fnv1.Result
}

// Connect is what function-rivven-connect composed for one RivvenConnect.
type Connect struct {
	XR         map[string]any
	ConfigMap  *corev1.ConfigMap
	Deployment *appsv1.Deployment
	Results    []*fnv1.Result
}

// RunCluster composes a RivvenCluster with nothing observed yet.
func RunCluster(xr map[string]any) (*Cluster, error) {
	req, err := request(xr, nil)
	if err != nil {
		return nil, err
	}
	rsp, err := cluster.NewFunction(logging.NewNopLogger()).RunFunction(context.Background(), req)
	if err := refused(rsp, err); err != nil {
		return nil, err
	}
	c := &Cluster{XR: rsp.GetDesired().GetComposite().GetResource().AsMap(), Results: rsp.GetResults()}
	d := desired(rsp)
	for key, into := range map[string]any{
		string(cluster.KeyStatefulSet): &c.StatefulSet, string(cluster.KeyConfigMap): &c.ConfigMap,
		string(cluster.KeyAuthSecret): &c.AuthSecret, string(cluster.KeyHeadlessService): &c.Headless,
		string(cluster.KeyClientService): &c.Client, string(cluster.KeyProviderConfig): &c.ProviderConfig,
	} {
		if err := d.decode(key, into); err != nil {
			return nil, err
		}
	}
	if _, ok := d[string(cluster.KeyServiceMonitor)]; ok {
		if err := d.decode(string(cluster.KeyServiceMonitor), &c.ServiceMonitor); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// RunConnect composes a RivvenConnect whose clusterRef resolves to the
// given RivvenCluster (nil: it does not exist).
func RunConnect(xr, rivvenCluster map[string]any) (*Connect, error) {
	req, err := request(xr, map[string]map[string]any{fnconnect.RequiredCluster: rivvenCluster})
	if err != nil {
		return nil, err
	}
	rsp, err := (&fnconnect.Function{Log: logging.NewNopLogger()}).RunFunction(context.Background(), req)
	if err := refused(rsp, err); err != nil {
		return nil, err
	}
	c := &Connect{XR: rsp.GetDesired().GetComposite().GetResource().AsMap(), Results: rsp.GetResults()}
	d := desired(rsp)
	if err := d.decode(fnconnect.ResourceConfigMap, &c.ConfigMap); err != nil {
		return nil, err
	}
	if err := d.decode(fnconnect.ResourceDeployment, &c.Deployment); err != nil {
		return nil, err
	}
	return c, nil
}

// Warnings are the messages of a composition's Warning results.
func Warnings(results []*fnv1.Result) []string {
	var out []string
	for _, r := range results {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_WARNING {
			out = append(out, r.GetMessage())
		}
	}
	return out
}

// BrokerPod is pod N of the composed StatefulSet as the StatefulSet
// controller creates it: the template's labels plus the pod-name label and
// the template's spec; objs gets the composed ConfigMap and auth Secret.
func (c *Cluster) BrokerPod(ordinal int, dir string, objs podrun.Objects, resolve podrun.ImageResolver) podrun.Config {
	sts := c.StatefulSet
	name := sts.Name + "-" + strconv.Itoa(ordinal)
	labels := map[string]string{"statefulset.kubernetes.io/pod-name": name}
	for k, v := range sts.Spec.Template.Labels {
		labels[k] = v
	}
	objs.ConfigMaps[c.ConfigMap.Name] = c.ConfigMap
	objs.Secrets[c.AuthSecret.Name] = c.AuthSecret
	return podrun.Config{
		Name: name, Namespace: sts.Namespace, Labels: labels, Annotations: sts.Spec.Template.Annotations,
		Spec: *sts.Spec.Template.Spec.DeepCopy(), Objects: objs, Dir: dir, Resolve: resolve,
		// Short enough that a crash loop shows in a test's time, long
		// enough to see CrashLoopBackOff between attempts.
		BackOff: 2 * time.Second,
	}
}

// Pod is a pod of the composed Deployment: the template's labels and spec;
// objs gets the composed pipeline ConfigMap.
func (c *Connect) Pod(spec corev1.PodSpec, dir string, objs podrun.Objects, resolve podrun.ImageResolver) podrun.Config {
	d := c.Deployment
	objs.ConfigMaps[c.ConfigMap.Name] = c.ConfigMap
	return podrun.Config{
		Name: d.Name + "-0", Namespace: d.Namespace, Labels: d.Spec.Template.Labels, Annotations: d.Spec.Template.Annotations,
		Spec: spec, Objects: objs, Dir: dir, Resolve: resolve, BackOff: time.Second,
	}
}

// EmptyObjects is a namespace without ConfigMaps or Secrets.
func EmptyObjects() podrun.Objects {
	return podrun.Objects{ConfigMaps: map[string]*corev1.ConfigMap{}, Secrets: map[string]*corev1.Secret{}}
}

func request(xr map[string]any, required map[string]map[string]any) (*fnv1.RunFunctionRequest, error) {
	s, err := structpb.NewStruct(xr)
	if err != nil {
		return nil, err
	}
	req := &fnv1.RunFunctionRequest{Observed: &fnv1.State{Composite: &fnv1.Resource{Resource: s}}}
	for name, obj := range required {
		rs := &fnv1.Resources{}
		if obj != nil {
			o, err := structpb.NewStruct(obj)
			if err != nil {
				return nil, err
			}
			rs.Items = append(rs.Items, &fnv1.Resource{Resource: o})
		}
		if req.RequiredResources == nil {
			req.RequiredResources = map[string]*fnv1.Resources{}
		}
		req.RequiredResources[name] = rs
	}
	return req, nil
}

func refused(rsp *fnv1.RunFunctionResponse, err error) error {
	if err != nil {
		return err
	}
	for _, r := range rsp.GetResults() {
		if r.GetSeverity() == fnv1.Severity_SEVERITY_FATAL {
			return fmt.Errorf("the function refused the XR: %s", r.GetMessage())
		}
	}
	return nil
}

type resources map[string]*fnv1.Resource

func desired(rsp *fnv1.RunFunctionResponse) resources { return rsp.GetDesired().GetResources() }

func (d resources) decode(key string, into any) error {
	r, ok := d[key]
	if !ok {
		return fmt.Errorf("the function composed no %s", key)
	}
	b, err := json.Marshal(r.GetResource().AsMap())
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	return nil
}
