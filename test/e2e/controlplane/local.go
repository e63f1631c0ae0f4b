package controlplane

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// The local stack: what runs for real beside the seed's examples, whose
// production cluster cannot (its version 0.0.1 was never published, and
// three brokers would run rivvend's cluster mode, which no tested release
// can start). A one-broker RivvenCluster of the default version
// (examples/cluster/minimal.yaml), the seed's orders-events topic on it and
// the datagen → topic → stdout pipeline of
// examples/connect/datagen-stdout.yaml pointed at it.
var (
	LocalCluster  = Ref{"rivven.io/v1alpha1", "RivvenCluster", "default", "minimal"}
	LocalTopic    = Ref{"rivven.io/v1alpha1", "RivvenTopic", "default", "orders-events-minimal"}
	LocalPipeline = Ref{"rivven.io/v1alpha1", "RivvenConnect", "default", "datagen-demo"}
	LocalObjects  = []Ref{LocalCluster, LocalTopic, LocalPipeline}
)

// LocalTopicName is the name of LocalTopic on the broker: the seed's.
const LocalTopicName = "orders-events"

// LocalManifests are the local stack's objects, from the examples.
func (c *ControlPlane) LocalManifests() ([]*unstructured.Unstructured, error) {
	read := func(f string) (*unstructured.Unstructured, error) {
		objs, err := ReadObjects(c.bin(f))
		if err != nil {
			return nil, err
		}
		if len(objs) != 1 {
			return nil, fmt.Errorf("%s holds %d objects, want 1", f, len(objs))
		}
		return objs[0], nil
	}
	cluster, err := read("examples/cluster/minimal.yaml")
	if err != nil {
		return nil, err
	}
	topic, err := read("examples/topic/orders-events.yaml")
	if err != nil {
		return nil, err
	}
	topic.SetName(LocalTopic.Name)
	if err := unstructured.SetNestedField(topic.Object, LocalTopicName, "spec", "topicName"); err != nil {
		return nil, err
	}
	pipeline, err := read("examples/connect/datagen-stdout.yaml")
	if err != nil {
		return nil, err
	}
	for _, o := range []*unstructured.Unstructured{topic, pipeline} {
		if err := unstructured.SetNestedField(o.Object, LocalCluster.Name, "spec", "clusterRef", "name"); err != nil {
			return nil, err
		}
	}
	return []*unstructured.Unstructured{cluster, topic, pipeline}, nil
}

// ApplyLocal applies the local stack.
func (c *ControlPlane) ApplyLocal(ctx context.Context) error {
	objs, err := c.LocalManifests()
	if err != nil {
		return err
	}
	for _, o := range objs {
		if err := c.Apply(ctx, o); err != nil {
			return fmt.Errorf("apply %s %s: %w", o.GetKind(), o.GetName(), err)
		}
		c.logf("applied %s %s/%s", o.GetKind(), o.GetNamespace(), o.GetName())
	}
	return nil
}
