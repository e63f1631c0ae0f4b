package admin

import (
	"context"
	"errors"
)

// ClusterState is one observation of every topic on a cluster.
type ClusterState struct {
	Topics map[string]Topic
	// ACLsUnsupported is true when the broker can neither hold nor
	// report ACLs (a Kafka broker without an authorizer).
	ACLsUnsupported bool
}

// Admin is what the topic controller needs of one cluster's brokers. Each
// protocol's client implements it; the pure parts (Validate, Plan) carry
// that protocol's rules, so nothing a broker would refuse is ever sent.
type Admin interface {
	// Describe observes the named topics, or all topics when names is
	// empty, with a number of requests that does not grow with topics
	// where the protocol allows it.
	Describe(ctx context.Context, names ...string) (ClusterState, error)
	// Validate checks the configs the spec sets at field against what the
	// broker accepts, naming the field and key of every problem.
	Validate(field string, configs map[string]string) error
	// Plan compares a desired and an observed topic.
	Plan(desired, observed Topic) Plan
	// CreateTopic creates a topic with its configs and returns its id,
	// empty where the broker has none. ACLs are not created here.
	CreateTopic(ctx context.Context, t Topic) (string, error)
	// Apply makes the changes of a plan without refusals.
	Apply(ctx context.Context, topic string, p Plan) error
	// DeleteTopic deletes the topic (and its ACLs, where the broker has
	// them). A topic that is already gone is not an error.
	DeleteTopic(ctx context.Context, topic string) error
	Close()
}

// ErrTopicExists is returned by CreateTopic when the topic already exists.
var ErrTopicExists = errors.New("topic already exists")
