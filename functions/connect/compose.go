package connect

import (
	"cmp"
	"errors"
	"fmt"
	"strings"

	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/resource/composed"
	"k8s.io/apimachinery/pkg/runtime"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/connect/pipeline"
	"github.com/rivven/crossplane-rivven/functions/internal/compose"
	"github.com/rivven/crossplane-rivven/functions/internal/podsecurity"
	"github.com/rivven/crossplane-rivven/functions/internal/readiness"
)

// Input of Compose.
type Input struct {
	Name, Namespace string
	Spec            v1alpha1.RivvenConnectSpec
	Cluster         Cluster
	Observed        map[resource.Name]resource.ObservedComposed
}

// Output of Compose: desired composed resources, XR status fields,
// warnings for the user and the readiness of the workers (the observed
// Deployment), which the WorkersReady condition reports.
type Output struct {
	Desired  map[resource.Name]*resource.DesiredComposed
	Status   map[string]any
	Warnings []string
	Workers  readiness.Result
}

// Compose is the pure core of the function: spec, cluster and observed
// state in, desired state out. Input errors name the field.
func Compose(in Input) (Output, error) {
	spec := &in.Spec
	// Admission refuses the same; crossplane render input never passed it.
	if err := errors.Join(podsecurity.Restricted(spec.SecurityContext, spec.ContainerSecurityContext),
		podsecurity.RestrictedAnnotations(spec.PodAnnotations)); err != nil {
		return Output{}, err
	}
	live, _ := probesEnabled(&spec.PodTemplate)
	smEnabled := spec.ServiceMonitor != nil && spec.ServiceMonitor.Enabled

	tls, tlsSecret, tlsWarning, err := brokerTLS(spec.TLS, in.Cluster, in.Namespace)
	if err != nil {
		return Output{}, err
	}
	servers := in.Cluster.BootstrapServers
	if !in.Cluster.Ready {
		// Validate the spec even while waiting, so bad input is reported
		// at once rather than when the cluster comes up.
		servers = []string{"unresolved:9092"}
	}
	pipe, err := pipeline.Build(pipeline.Input{
		Spec:   *spec,
		Broker: pipeline.Broker{BootstrapServers: servers, TLS: tls},
		// The liveness probe gets /live; readiness runs a command.
		ForceHealth:  live,
		ForceMetrics: smEnabled,
	})
	if err != nil {
		return Output{}, err
	}

	status := map[string]any{
		"enabledSources": fmt.Sprintf("%d/%d", pipe.EnabledSources, pipe.TotalSources),
		"enabledSinks":   fmt.Sprintf("%d/%d", pipe.EnabledSinks, pipe.TotalSinks),
	}
	replicas := int64(1)
	if spec.Replicas != nil {
		replicas = int64(*spec.Replicas)
	}
	status["replicas"] = replicas
	warnings := pipe.Warnings
	if tlsWarning != "" {
		warnings = append(warnings, tlsWarning)
	}
	if v := cmp.Or(spec.Version, defaultVersion); !commonv1alpha1.IsSupportedRivvenVersion(v) {
		warnings = append(warnings, fmt.Sprintf("spec.version: %q is not a tested Rivven release (tested: %s); the pipeline file is written for the tested releases' rivven-connect",
			v, strings.Join(commonv1alpha1.SupportedRivvenVersions, ", ")))
	}
	warnings = append(warnings, replicaWarnings(spec, replicas)...)
	warnings = append(warnings, knownFailures(spec)...)

	workers := readiness.Deployment(in.Observed[ResourceDeployment].Resource)
	if !in.Cluster.Ready {
		kept := keepObserved(in.Observed)
		for name, dc := range kept {
			r := readinessOf(name, in.Observed[name].Resource)
			dc.Ready = toReady(r.Ready)
		}
		status["phase"] = PhaseWaitingForCluster
		status["readyReplicas"] = readyReplicas(in.Observed)
		return Output{Desired: kept, Status: status, Warnings: warnings, Workers: workers}, nil
	}

	objs, err := buildObjects(params{
		name: in.Name, namespace: in.Namespace, spec: spec, pipe: pipe,
		tlsSecret: tlsSecret,
	})
	if err != nil {
		return Output{}, err
	}
	desired := map[resource.Name]*resource.DesiredComposed{}
	add := func(name resource.Name, obj runtime.Object) error {
		cd, err := compose.ToComposed(obj)
		if err != nil {
			return err
		}
		r := readinessOf(name, in.Observed[name].Resource)
		desired[name] = &resource.DesiredComposed{Resource: cd, Ready: toReady(r.Ready)}
		return nil
	}
	if err := add(ResourceConfigMap, objs.ConfigMap); err != nil {
		return Output{}, err
	}
	if err := add(ResourceDeployment, objs.Deployment); err != nil {
		return Output{}, err
	}
	if objs.Service != nil {
		if err := add(ResourceService, objs.Service); err != nil {
			return Output{}, err
		}
	}
	if objs.ServiceMonitor != nil {
		cd := composed.New()
		compose.Prune(objs.ServiceMonitor)
		cd.SetUnstructuredContent(objs.ServiceMonitor)
		r := readiness.Exists(in.Observed[ResourceServiceMonitor].Resource)
		desired[ResourceServiceMonitor] = &resource.DesiredComposed{Resource: cd, Ready: toReady(r.Ready)}
	}

	switch {
	case replicas == 0 && workers.Ready:
		status["phase"] = PhaseStopped
	case workers.Ready:
		status["phase"] = PhaseRunning
	default:
		status["phase"] = PhaseProvisioning
	}
	status["readyReplicas"] = readyReplicas(in.Observed)
	status["bootstrapServers"] = strings.Join(servers, ",")
	status["configHash"] = objs.ConfigHash
	return Output{Desired: desired, Status: status, Warnings: warnings, Workers: workers}, nil
}

func readinessOf(name resource.Name, observed *composed.Unstructured) readiness.Result {
	if name == ResourceDeployment {
		return readiness.Deployment(observed)
	}
	return readiness.Exists(observed)
}

func toReady(b bool) resource.Ready {
	if b {
		return resource.ReadyTrue
	}
	return resource.ReadyFalse
}

func readyReplicas(observed map[resource.Name]resource.ObservedComposed) int64 {
	oc, ok := observed[ResourceDeployment]
	if !ok || oc.Resource == nil {
		return 0
	}
	n, err := oc.Resource.GetInteger("status.readyReplicas")
	if err != nil {
		return 0
	}
	return n
}
