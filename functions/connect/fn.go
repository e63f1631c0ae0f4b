package connect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/resource"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
	"github.com/rivven/crossplane-rivven/functions/internal/observed"
	"github.com/rivven/crossplane-rivven/functions/internal/readiness"
)

// RequiredCluster names the required-resource request for the RivvenCluster.
const RequiredCluster = "rivven-cluster"

// ConditionClusterReady reports whether the referenced RivvenCluster serves.
const ConditionClusterReady = "ClusterReady"

// ConditionWorkersReady reports whether every desired rivven-connect worker
// is updated and available: each passed its readiness probe, which runs
// "rivven-connect check" in the container.
const ConditionWorkersReady = "WorkersReady"

// Phases written to status.phase.
const (
	PhaseWaitingForCluster = "WaitingForCluster"
	PhaseProvisioning      = "Provisioning"
	PhaseRunning           = "Running"
	PhaseStopped           = "Stopped"
)

// Function composes RivvenConnects.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	Log logging.Logger
}

// RunFunction runs the function.
func (f *Function) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := response.To(req, response.DefaultTTL)

	oxr := observed.CompositeResource(req)
	xr := &v1alpha1.RivvenConnect{}
	b, err := json.Marshal(oxr.Resource.Object)
	if err == nil {
		err = json.Unmarshal(b, xr)
	}
	if err != nil {
		response.Fatal(rsp, fmt.Errorf("cannot decode RivvenConnect spec: %w", err))
		return rsp, nil
	}
	name, namespace := xr.GetName(), xr.GetNamespace()
	log := f.log().WithValues("xr", namespace+"/"+name)

	// Ask for the cluster on every call: a requirement Crossplane no
	// longer sees is no longer fetched.
	cname, cns := clusterRef(&xr.Spec, namespace)
	rsp.Requirements = &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector{
		RequiredCluster: {
			ApiVersion: v1alpha1.SchemeGroupVersion.String(),
			Kind:       "RivvenCluster",
			Namespace:  &cns,
			Match:      &fnv1.ResourceSelector_MatchName{MatchName: cname},
		},
	}}
	found, resolved, err := request.GetRequiredResource(req, RequiredCluster)
	if err != nil {
		response.Fatal(rsp, fmt.Errorf("cannot read RivvenCluster %s/%s: %w", cns, cname, err))
		return rsp, nil
	}
	if !resolved {
		// Crossplane fetches the requirement and calls again.
		log.Debug("waiting for the RivvenCluster requirement to be resolved")
		return rsp, nil
	}
	var cl Cluster
	if len(found) == 0 {
		cl = ReadCluster(cname, cns, nil)
	} else {
		cl = ReadCluster(cname, cns, found[0].Resource)
	}

	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, fmt.Errorf("cannot get desired composite resource: %w", err))
		return rsp, nil
	}

	out, err := Compose(Input{Name: name, Namespace: namespace, Spec: xr.Spec, Cluster: cl, Observed: observed.ComposedResources(req)})
	if err != nil {
		// Bad input: nothing is applied, the message names the field.
		response.Fatal(rsp, err)
		return rsp, nil
	}
	for _, w := range out.Warnings {
		response.Warning(rsp, errors.New(w)).TargetCompositeAndClaim()
	}
	// rsp already carries the desired resources of earlier pipeline steps;
	// this adds or replaces only the function's own.
	if err := response.SetDesiredComposedResources(rsp, out.Desired); err != nil {
		response.Fatal(rsp, fmt.Errorf("cannot set desired composed resources: %w", err))
		return rsp, nil
	}
	for k, v := range out.Status {
		if err := dxr.Resource.SetValue("status."+k, v); err != nil {
			response.Fatal(rsp, fmt.Errorf("cannot set status.%s: %w", k, err))
			return rsp, nil
		}
	}
	if !cl.Ready {
		// Without this the composite could count as ready while it waits.
		dxr.Ready = resource.ReadyFalse
		response.ConditionFalse(rsp, ConditionClusterReady, cl.Reason).WithMessage(cl.Message).TargetCompositeAndClaim()
	} else {
		response.ConditionTrue(rsp, ConditionClusterReady, cl.Reason).WithMessage(cl.Message).TargetCompositeAndClaim()
	}
	workersCondition(rsp, out.Workers)
	if err := response.SetDesiredCompositeResource(rsp, dxr); err != nil {
		response.Fatal(rsp, fmt.Errorf("cannot set desired composite resource: %w", err))
		return rsp, nil
	}
	return rsp, nil
}

// workersCondition says why the Deployment is or is not available, with the
// meaning of its readiness: the readiness probe runs rivven-connect's own
// check (broker reachable, checked connectors reachable).
func workersCondition(rsp *fnv1.RunFunctionResponse, w readiness.Result) {
	if w.Ready {
		response.ConditionTrue(rsp, ConditionWorkersReady, w.Reason).
			WithMessage(w.Message + "; each passed rivven-connect check").TargetCompositeAndClaim()
		return
	}
	msg := w.Message
	if w.Reason == readiness.ReasonReplicasNotReady {
		msg += ": a worker is ready while rivven-connect check passes in its container (the broker answers within 5 s; postgres-cdc sources and http-webhook sinks are reachable); the Deployment's pods show the check's output in their readiness probe events"
	}
	response.ConditionFalse(rsp, ConditionWorkersReady, w.Reason).WithMessage(msg).TargetCompositeAndClaim()
}

func (f *Function) log() logging.Logger {
	if f.Log == nil {
		return logging.NewNopLogger()
	}
	return f.Log
}
