package cluster

import (
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/compose"
	"github.com/rivven/crossplane-rivven/functions/internal/confighash"
	"github.com/rivven/crossplane-rivven/functions/internal/readiness"
)

// composition is everything the function decides for one RivvenCluster.
type composition struct {
	Desired  map[resource.Name]*resource.DesiredComposed
	Summary  summary
	Warnings []warning
}

// build is the pure core of the function: a defaulted, validated spec, the
// observed composed resources and the observed broker pods in, desired
// resources with their readiness and the XR status out. random is only read
// when no token exists yet.
func build(name, ns string, s clusterv1alpha1.RivvenClusterSpec, observed map[resource.Name]resource.ObservedComposed, pods brokerPods, random io.Reader) (*composition, error) {
	obs := func(k resource.Name) *composed.Unstructured {
		if o, ok := observed[k]; ok {
			return o.Resource
		}
		return nil
	}

	env := brokerEnv(name, ns, s)
	sts, err := statefulSet(name, ns, s, confighash.Of(env))
	if err != nil {
		return nil, err
	}
	token, err := authToken(obs(KeyAuthSecret), random)
	if err != nil {
		return nil, err
	}

	stsStatus := readiness.StatefulSet(obs(KeyStatefulSet))
	sum := summarize(name, ns, s, stsStatus, pods)

	c := &composition{Desired: map[resource.Name]*resource.DesiredComposed{}, Summary: sum, Warnings: warnings(s)}
	add := func(k resource.Name, obj any, ready bool) error {
		var m map[string]any
		switch o := obj.(type) {
		case map[string]any:
			m = o
			compose.Prune(m)
		case runtime.Object:
			if m, err = compose.ToMap(o); err != nil {
				return err
			}
		default:
			return fmt.Errorf("cannot compose %T", obj)
		}
		cd := composed.New()
		cd.SetUnstructuredContent(m)
		r := resource.ReadyFalse
		if ready {
			r = resource.ReadyTrue
		}
		c.Desired[k] = &resource.DesiredComposed{Resource: cd, Ready: r}
		return nil
	}
	exists := func(k resource.Name) bool { return readiness.Exists(obs(k)).Ready }

	steps := []struct {
		key   resource.Name
		obj   any
		ready bool
		want  bool
	}{
		// The StatefulSet is ready only when its status describes the
		// replica count this spec asks for.
		{KeyStatefulSet, sts, sum.Ready, true},
		{KeyHeadlessService, headlessService(name, ns, s), exists(KeyHeadlessService), true},
		{KeyClientService, clientService(name, ns, s), exists(KeyClientService), true},
		{KeyConfigMap, configMap(name, ns, env), exists(KeyConfigMap), true},
		{KeyAuthSecret, authSecret(name, ns, token), exists(KeyAuthSecret), true},
		{KeyPDB, podDisruptionBudget(name, ns, s), exists(KeyPDB), *s.PodDisruptionBudget.Enabled},
		{KeyServiceMonitor, serviceMonitor(name, ns, s), exists(KeyServiceMonitor), s.ServiceMonitor.Enabled},
		{KeyProviderConfig, providerConfig(name, ns), exists(KeyProviderConfig), true},
	}
	for _, st := range steps {
		if !st.want {
			continue
		}
		if err := add(st.key, st.obj, st.ready); err != nil {
			return nil, fmt.Errorf("cannot compose %s: %w", st.key, err)
		}
	}
	return c, nil
}
