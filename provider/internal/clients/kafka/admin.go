package kafka

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// NewAdmin connects to a cluster. Connecting is lazy: errors reaching the
// brokers surface on the first request.
func NewAdmin(c admin.Connection, extra ...kgo.Opt) (admin.Admin, error) {
	opts, err := options(c)
	if err != nil {
		return nil, err
	}
	cl, err := kgo.NewClient(append(opts, extra...)...)
	if err != nil {
		return nil, fmt.Errorf("cannot create Kafka client: %w", err)
	}
	return &kadmAdmin{cl: cl, adm: kadm.NewClient(cl)}, nil
}

type kadmAdmin struct {
	cl  *kgo.Client
	adm *kadm.Client
}

func (a *kadmAdmin) Close() { a.cl.Close() }

// Validate implements admin.Admin with the Kafka topic configuration
// reference.
func (a *kadmAdmin) Validate(field string, configs map[string]string) error {
	return ValidateConfig(field, configs)
}

// Plan implements admin.Admin.
func (a *kadmAdmin) Plan(desired, observed admin.Topic) admin.Plan { return Compute(desired, observed) }

func (a *kadmAdmin) Describe(ctx context.Context, names ...string) (admin.ClusterState, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	state := admin.ClusterState{Topics: map[string]admin.Topic{}}

	// Metadata straight from a broker: kadm's Metadata and ListTopics
	// answer from a client-side cache that can be seconds old.
	mreq := kmsg.NewPtrMetadataRequest()
	if len(names) > 0 {
		for _, n := range names {
			rt := kmsg.NewMetadataRequestTopic()
			rt.Topic = kmsg.StringPtr(n)
			mreq.Topics = append(mreq.Topics, rt)
		}
	}
	mresp, err := mreq.RequestWith(ctx, a.cl)
	if err != nil {
		return state, fmt.Errorf("cannot read topic metadata: %w", err)
	}
	// The client keeps a deep copy of every topic's metadata from this
	// response for producing and consuming, which this admin client never
	// does: at 10,000 topics that copy was a fifth of the provider's live
	// heap, kept until the next poll. It is dropped at once, before the
	// configs' answer (the largest of the three) arrives; the observation
	// below holds what the provider needs.
	a.cl.PurgeTopicsFromClient(responseTopics(mresp)...)
	for _, t := range mresp.Topics {
		if t.Topic == nil || t.IsInternal {
			continue
		}
		if err := kerr.ErrorForCode(t.ErrorCode); err != nil {
			if errors.Is(err, kerr.UnknownTopicOrPartition) {
				continue
			}
			return state, fmt.Errorf("cannot read metadata of topic %q: %w", *t.Topic, err)
		}
		obs := admin.Topic{Name: *t.Topic, ID: kadm.TopicID(t.TopicID).String(), Partitions: int32(len(t.Partitions)), Configs: map[string]string{}}
		for _, p := range t.Partitions {
			if p.Partition == 0 {
				obs.ReplicationFactor = int32(len(p.Replicas))
			}
		}
		state.Topics[obs.Name] = obs
	}

	if err := a.describeConfigs(ctx, state.Topics); err != nil {
		return state, err
	}
	if err := a.describeACLs(ctx, &state, names); err != nil {
		return state, err
	}
	return state, nil
}

func responseTopics(r *kmsg.MetadataResponse) []string {
	names := make([]string, 0, len(r.Topics))
	for _, t := range r.Topics {
		if t.Topic != nil {
			names = append(names, *t.Topic)
		}
	}
	return names
}

// describeConfigs reads every topic's configs in one DescribeConfigs
// request. It asks the broker itself rather than through kadm, which
// requests each value's synonyms and copies the whole answer once more:
// at 10,000 topics that transient answer was the largest allocation of a
// poll. Synonyms are not needed to tell a topic's own values (source
// DYNAMIC_TOPIC_CONFIG) from inherited ones.
func (a *kadmAdmin) describeConfigs(ctx context.Context, topics map[string]admin.Topic) error {
	if len(topics) == 0 {
		return nil
	}
	req := kmsg.NewPtrDescribeConfigsRequest()
	for _, name := range slices.Sorted(maps.Keys(topics)) {
		rr := kmsg.NewDescribeConfigsRequestResource()
		rr.ResourceType = kmsg.ConfigResourceTypeTopic
		rr.ResourceName = name
		req.Resources = append(req.Resources, rr)
	}
	// Topic configs are answered by any broker: the client sends one
	// request; it is sharded only when broker resources are asked for.
	for _, shard := range a.cl.RequestSharded(ctx, req) {
		if shard.Err != nil {
			return fmt.Errorf("cannot read topic configs: %w", shard.Err)
		}
		resp, ok := shard.Resp.(*kmsg.DescribeConfigsResponse)
		if !ok {
			return fmt.Errorf("cannot read topic configs: unexpected answer %T", shard.Resp)
		}
		for _, r := range resp.Resources {
			t, ok := topics[r.ResourceName]
			if !ok {
				continue
			}
			if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
				if errors.Is(err, kerr.UnknownTopicOrPartition) {
					delete(topics, r.ResourceName) // deleted between the two requests
					continue
				}
				return fmt.Errorf("cannot read configs of topic %q: %w", r.ResourceName, err)
			}
			for _, c := range r.Configs {
				// Only values set on the topic itself count: everything
				// else is a broker default the spec does not manage.
				if c.Source == kmsg.ConfigSourceDynamicTopicConfig && c.Value != nil {
					t.Configs[c.Name] = *c.Value
				}
			}
		}
	}
	return nil
}

// describeACLs adds the topics' literal ACLs to state, or marks the cluster
// as holding none when its brokers run without an authorizer. state is a
// pointer: a copy would lose ACLsUnsupported, and with it the refusal of
// spec.acls on such a broker.
func (a *kadmAdmin) describeACLs(ctx context.Context, state *admin.ClusterState, names []string) error {
	req := kmsg.NewPtrDescribeACLsRequest()
	req.ResourceType = kmsg.ACLResourceTypeTopic
	req.ResourcePatternType = kmsg.ACLResourcePatternTypeLiteral
	req.Operation = kmsg.ACLOperationAny
	req.PermissionType = kmsg.ACLPermissionTypeAny
	if len(names) == 1 {
		req.ResourceName = kmsg.StringPtr(names[0])
	}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return fmt.Errorf("cannot read ACLs: %w", err)
	}
	if err := kerr.ErrorForCode(resp.ErrorCode); err != nil {
		if errors.Is(err, kerr.SecurityDisabled) {
			state.ACLsUnsupported = true
			return nil
		}
		return fmt.Errorf("cannot read ACLs: %w", err)
	}
	for _, r := range resp.Resources {
		t, ok := state.Topics[r.ResourceName]
		if !ok || r.ResourcePatternType != kmsg.ACLResourcePatternTypeLiteral {
			continue
		}
		for _, e := range r.ACLs {
			t.ACLs = append(t.ACLs, admin.ACL{Principal: e.Principal, Host: e.Host, Operation: operationName(e.Operation), Permission: permissionName(e.PermissionType)})
		}
		t.ACLs = admin.SortACLs(t.ACLs)
		state.Topics[r.ResourceName] = t
	}
	return nil
}

func (a *kadmAdmin) CreateTopic(ctx context.Context, t admin.Topic) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	configs := make(map[string]*string, len(t.Configs))
	for k, v := range t.Configs {
		configs[k] = kmsg.StringPtr(v)
	}
	// -1 asks the broker for its default (num.partitions,
	// default.replication.factor), as a spec that leaves them out means.
	partitions, rf := t.Partitions, int16(t.ReplicationFactor)
	if partitions == 0 {
		partitions = -1
	}
	if rf == 0 {
		rf = -1
	}
	resp, err := a.adm.CreateTopic(ctx, partitions, rf, configs, t.Name)
	if err != nil {
		if errors.Is(err, kerr.TopicAlreadyExists) {
			return "", admin.ErrTopicExists
		}
		return "", fmt.Errorf("cannot create topic %q: %w%s", t.Name, err, detail(resp.ErrMessage))
	}
	return resp.ID.String(), nil
}

func (a *kadmAdmin) Apply(ctx context.Context, topic string, p admin.Plan) error {
	if err := p.RefusedError(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if p.Partitions > 0 {
		resp, err := a.adm.UpdatePartitions(ctx, int(p.Partitions), topic)
		if err == nil {
			err = resp.Error()
		}
		if err != nil {
			return fmt.Errorf("cannot grow topic %q to %d partitions: %w", topic, p.Partitions, err)
		}
	}
	if len(p.SetConfigs) > 0 || len(p.DeleteConfigs) > 0 {
		var alter []kadm.AlterConfig
		for _, k := range slices.Sorted(maps.Keys(p.SetConfigs)) {
			alter = append(alter, kadm.AlterConfig{Op: kadm.SetConfig, Name: k, Value: kmsg.StringPtr(p.SetConfigs[k])})
		}
		for _, k := range p.DeleteConfigs {
			alter = append(alter, kadm.AlterConfig{Op: kadm.DeleteConfig, Name: k})
		}
		resps, err := a.adm.AlterTopicConfigs(ctx, alter, topic)
		if err == nil {
			for _, r := range resps {
				if r.Err != nil {
					err = fmt.Errorf("%w%s", r.Err, detail(r.ErrMessage))
				}
			}
		}
		if err != nil {
			return fmt.Errorf("cannot change configs of topic %q: %w", topic, err)
		}
	}
	if err := a.createACLs(ctx, topic, p.AddACLs); err != nil {
		return err
	}
	if len(p.RemoveACLs) == 0 {
		return nil // deleteACLs with no entries means all of them
	}
	return a.deleteACLs(ctx, topic, p.RemoveACLs)
}

func (a *kadmAdmin) createACLs(ctx context.Context, topic string, acls []admin.ACL) error {
	if len(acls) == 0 {
		return nil
	}
	req := kmsg.NewPtrCreateACLsRequest()
	for _, acl := range acls {
		c := kmsg.NewCreateACLsRequestCreation()
		c.ResourceType = kmsg.ACLResourceTypeTopic
		c.ResourceName = topic
		c.ResourcePatternType = kmsg.ACLResourcePatternTypeLiteral
		c.Principal = acl.Principal
		c.Host = acl.Host
		c.Operation = aclOperations[acl.Operation]
		c.PermissionType = permissionCode(acl.Permission)
		req.Creations = append(req.Creations, c)
	}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return fmt.Errorf("cannot create ACLs on topic %q: %w", topic, err)
	}
	for i, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			return fmt.Errorf("cannot create ACL %s %s %s from %s on topic %q: %w%s", acls[i].Permission, acls[i].Principal, acls[i].Operation, acls[i].Host, topic, err, detail(deref(r.ErrorMessage)))
		}
	}
	return nil
}

// deleteACLs deletes exactly the given entries (one exact filter each), or
// every literal ACL of the topic when acls is nil.
func (a *kadmAdmin) deleteACLs(ctx context.Context, topic string, acls []admin.ACL) error {
	req := kmsg.NewPtrDeleteACLsRequest()
	filter := func() kmsg.DeleteACLsRequestFilter {
		f := kmsg.NewDeleteACLsRequestFilter()
		f.ResourceType = kmsg.ACLResourceTypeTopic
		f.ResourceName = kmsg.StringPtr(topic)
		f.ResourcePatternType = kmsg.ACLResourcePatternTypeLiteral
		f.Operation = kmsg.ACLOperationAny
		f.PermissionType = kmsg.ACLPermissionTypeAny
		return f
	}
	if acls == nil {
		req.Filters = append(req.Filters, filter())
	}
	for _, acl := range acls {
		f := filter()
		f.Principal = kmsg.StringPtr(acl.Principal)
		f.Host = kmsg.StringPtr(acl.Host)
		f.Operation = aclOperations[acl.Operation]
		f.PermissionType = permissionCode(acl.Permission)
		req.Filters = append(req.Filters, f)
	}
	if len(req.Filters) == 0 {
		return nil
	}
	resp, err := req.RequestWith(ctx, a.cl)
	if err != nil {
		return fmt.Errorf("cannot delete ACLs on topic %q: %w", topic, err)
	}
	for _, r := range resp.Results {
		if err := kerr.ErrorForCode(r.ErrorCode); err != nil {
			if acls == nil && errors.Is(err, kerr.SecurityDisabled) {
				return nil // no authorizer, so the topic has no ACLs
			}
			return fmt.Errorf("cannot delete ACLs on topic %q: %w%s", topic, err, detail(deref(r.ErrorMessage)))
		}
	}
	return nil
}

func (a *kadmAdmin) DeleteTopic(ctx context.Context, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	// ACLs first: if deleting the topic then failed half way, a retry
	// still finds the topic and finishes; the reverse order could leave
	// ACLs behind for a topic nobody tracks any more.
	if err := a.deleteACLs(ctx, topic, nil); err != nil {
		return err
	}
	resp, err := a.adm.DeleteTopic(ctx, topic)
	if err == nil {
		err = resp.Err
	}
	if err != nil && !errors.Is(err, kerr.UnknownTopicOrPartition) {
		return fmt.Errorf("cannot delete topic %q: %w", topic, err)
	}
	return nil
}

func detail(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
