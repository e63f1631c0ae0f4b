package cluster

import (
	"context"
	"errors"
	"io"

	"github.com/crossplane/function-sdk-go/logging"
	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
	"github.com/crossplane/function-sdk-go/request"
	"github.com/crossplane/function-sdk-go/response"

	"github.com/rivven/crossplane-rivven/functions/internal/fielderr"
	"github.com/rivven/crossplane-rivven/functions/internal/observed"
	"github.com/rivven/crossplane-rivven/functions/internal/podsecurity"
)

// maxNameLength keeps every derived name valid: the StatefulSet
// rivven-{name} must leave room for the 11-character controller-revision-hash
// suffix within a 63-character label value.
const maxNameLength = 45

// Function composes RivvenClusters.
type Function struct {
	fnv1.UnimplementedFunctionRunnerServiceServer

	log logging.Logger
	// random supplies the entropy of a new cluster auth token; nil means
	// crypto/rand. Tests substitute a fixed reader.
	random io.Reader
}

// Option configures a Function.
type Option func(*Function)

// WithRandom sets the entropy source of new cluster auth tokens.
func WithRandom(r io.Reader) Option { return func(f *Function) { f.random = r } }

// NewFunction returns a Function that logs to log.
func NewFunction(log logging.Logger, o ...Option) *Function {
	f := &Function{log: log}
	for _, fn := range o {
		fn(f)
	}
	return f
}

// RunFunction composes the objects of one RivvenCluster.
func (f *Function) RunFunction(_ context.Context, req *fnv1.RunFunctionRequest) (*fnv1.RunFunctionResponse, error) {
	rsp := response.To(req, response.DefaultTTL)

	oxr := observed.CompositeResource(req)
	name, ns := oxr.Resource.GetName(), oxr.Resource.GetNamespace()
	log := f.log.WithValues("xr", name, "namespace", ns)
	if err := checkMeta(name, ns); err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}

	observedSpec, err := decodeSpec(oxr.Resource.Object)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	spec := withDefaults(observedSpec)
	// Admission refuses pod security settings outside the restricted
	// standard too; crossplane render input never passed it.
	if err := errors.Join(validate(spec), podsecurity.Restricted(spec.SecurityContext, spec.ContainerSecurityContext),
		podsecurity.RestrictedAnnotations(spec.PodAnnotations)); err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}

	// Ask for the broker pods on every call: a requirement Crossplane no
	// longer sees is no longer fetched, and one that changes between calls
	// makes Crossplane call again. A spec that is rejected asks for nothing.
	rsp.Requirements = &fnv1.Requirements{Resources: map[string]*fnv1.ResourceSelector{
		RequiredBrokerPods: brokerPodsSelector(name, ns),
	}}
	// On the first call Crossplane has not fetched them yet: the pods are
	// unknown, and everything else is composed as usual.
	pods := readBrokerPods(requiredPodObjects(req))

	c, err := build(name, ns, spec, observed.ComposedResources(req), pods, f.random)
	if err != nil {
		response.Fatal(rsp, err)
		return rsp, nil
	}
	// rsp already carries the desired resources of earlier pipeline steps;
	// this adds or replaces only the function's own.
	if err := response.SetDesiredComposedResources(rsp, c.Desired); err != nil {
		response.Fatal(rsp, errors.New("cannot set the desired composed resources: "+err.Error()))
		return rsp, nil
	}

	dxr, err := request.GetDesiredCompositeResource(req)
	if err != nil {
		response.Fatal(rsp, errors.New("cannot read the desired RivvenCluster: "+err.Error()))
		return rsp, nil
	}
	st := c.Summary.Status
	for path, v := range map[string]any{
		"status.phase":            string(st.Phase),
		"status.replicas":         int64(st.Replicas),
		"status.readyReplicas":    int64(st.ReadyReplicas),
		"status.bootstrapServers": st.BootstrapServers,
	} {
		if err := dxr.Resource.SetValue(path, v); err != nil {
			response.Fatal(rsp, errors.New("cannot set "+path+": "+err.Error()))
			return rsp, nil
		}
	}
	if err := response.SetDesiredCompositeResource(rsp, dxr); err != nil {
		response.Fatal(rsp, errors.New("cannot set the desired RivvenCluster: "+err.Error()))
		return rsp, nil
	}

	if c.Summary.Ready {
		response.ConditionTrue(rsp, ConditionBrokersReady, c.Summary.Reason).WithMessage(c.Summary.Message).TargetComposite()
	} else {
		response.ConditionFalse(rsp, ConditionBrokersReady, c.Summary.Reason).WithMessage(c.Summary.Message).TargetComposite()
	}
	for _, w := range c.Warnings {
		response.Warning(rsp, errors.New(w.String())).WithReason("SettingNotApplied").TargetComposite()
	}

	// Never log the spec or desired objects: the auth Secret is among them.
	log.Debug("Composed RivvenCluster", "phase", st.Phase, "readyReplicas", st.ReadyReplicas, "replicas", st.Replicas,
		"brokerPodsResolved", pods.Resolved, "reason", c.Summary.Reason)
	return rsp, nil
}

// checkMeta rejects names the derived object names cannot be built from.
func checkMeta(name, ns string) error {
	switch {
	case ns == "":
		return fielderr.New("metadata.namespace", "a RivvenCluster must be namespaced: its objects are composed into its namespace")
	case name == "":
		return fielderr.New("metadata.name", "is empty")
	case len(name) > maxNameLength:
		return fielderr.New("metadata.name", "must be at most %d characters so that rivven-{name} and its pods get valid names, got %d", maxNameLength, len(name))
	}
	return nil
}
