package rivven

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/rivven/protocol"
)

const (
	// requestTimeout bounds every exchange, so an unreachable broker
	// becomes an error the reconciler reports and retries.
	requestTimeout = 15 * time.Second
	// idleRedial is how long a connection may sit unused before it is
	// replaced rather than reused: rivvend closes connections silently
	// after RIVVEN_IDLE_TIMEOUT_SECS (120 s by default), and a write into a
	// connection it already closed fails only when its reply is read.
	idleRedial = 60 * time.Second
	// requestsPerSecond paces the per-topic metadata requests of an
	// observation at half of rivvend's default per-IP limit
	// (RIVVEN_RATE_LIMIT_PER_IP 10,000/s), past which it closes the
	// connection.
	requestsPerSecond = 5000
	// describeChunk bounds the names of one DescribeTopicConfigs request
	// well below rivvend's list limit (MAX_LIST_LEN 10,000).
	describeChunk = 1000
)

// Admin is one Rivven cluster's admin client: one connection, requests on it
// one at a time (rivvend serves a connection strictly in order).
type Admin struct {
	addrs   []string
	opts    protocol.DialOptions
	limiter *rate.Limiter
	now     func() time.Time

	mu       sync.Mutex
	conn     *protocol.Conn
	lastUsed time.Time
}

var _ admin.Admin = &Admin{}

// NewAdmin returns a client for the cluster; it dials on first use.
func NewAdmin(c admin.Connection) (*Admin, error) {
	if len(c.BootstrapServers) == 0 {
		return nil, errors.New("spec.bootstrapServers is empty")
	}
	opts := protocol.DialOptions{ClientID: "provider-rivven", Timeout: requestTimeout}
	if c.TLS != nil {
		cfg, err := c.TLS.Config()
		if err != nil {
			return nil, err
		}
		opts.TLS = cfg
	}
	if s := c.SASL; s != nil {
		if s.Mechanism != "SCRAM-SHA-256" {
			return nil, fmt.Errorf("spec.sasl.mechanism: %q is not SCRAM-SHA-256, the only mechanism the provider uses with rivvend", s.Mechanism)
		}
		opts.SCRAM = &protocol.Credentials{Username: s.Username, Password: s.Password}
	}
	return &Admin{
		addrs:   slices.Clone(c.BootstrapServers),
		opts:    opts,
		limiter: rate.NewLimiter(requestsPerSecond, describeChunk+1),
		now:     time.Now,
	}, nil
}

// Factory builds the Rivven admin clients of a pool.
func Factory() func(admin.Connection) (admin.Admin, error) {
	return func(c admin.Connection) (admin.Admin, error) { return NewAdmin(c) }
}

// Close implements admin.Admin.
func (a *Admin) Close() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.dropLocked()
}

func (a *Admin) dropLocked() {
	if a.conn != nil {
		_ = a.conn.Close()
		a.conn = nil
	}
}

// Validate implements admin.Admin with the keys and values rivvend accepts.
func (a *Admin) Validate(field string, configs map[string]string) error {
	return ValidateConfig(field, configs)
}

// Plan implements admin.Admin.
func (a *Admin) Plan(desired, observed admin.Topic) admin.Plan { return Compute(desired, observed) }

// use runs fn on the cluster's connection, dialling one when there is none
// or the last one sat idle for long. A connection that failed is dropped.
// A read (retry) on a reused connection that fails in transport is tried
// once more on a new one: the broker may have closed the old one.
func (a *Admin) use(ctx context.Context, retry bool, fn func(*protocol.Conn) error) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for attempt := 0; ; attempt++ {
		reused := a.conn != nil && a.now().Sub(a.lastUsed) < idleRedial
		if !reused {
			a.dropLocked()
			c, err := a.dial(ctx)
			if err != nil {
				return err
			}
			a.conn = c
		}
		err := fn(a.conn)
		a.lastUsed = a.now()
		if err == nil || isReply(err) {
			return err
		}
		a.dropLocked()
		if !retry || !reused || attempt > 0 {
			return err
		}
	}
}

// dial connects to the first bootstrap server that answers.
func (a *Admin) dial(ctx context.Context) (*protocol.Conn, error) {
	var errs []error
	for _, addr := range a.addrs {
		c, err := protocol.Dial(ctx, addr, a.opts)
		if err == nil {
			return c, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", addr, err))
	}
	return nil, fmt.Errorf("cannot reach a Rivven broker: %w", errors.Join(errs...))
}

// isReply reports whether err is the broker's own answer (an Error or
// Throttled reply) rather than a transport or protocol failure.
func isReply(err error) bool {
	var e *protocol.ErrorResponse
	var t *protocol.Throttled
	return errors.As(err, &e) || errors.As(err, &t)
}

// Describe implements admin.Admin. One observation costs one ListTopics
// (when names is empty), one DescribeTopicConfigs per 1,000 topics and one
// GetMetadata per topic, pipelined on one connection: rivvend 0.0.22 reports
// a topic's partition count only per topic (GetClusterMetadata lists no
// topics on a standalone broker).
func (a *Admin) Describe(ctx context.Context, names ...string) (admin.ClusterState, error) {
	ctx, cancel := context.WithTimeout(ctx, 4*requestTimeout)
	defer cancel()
	state := admin.ClusterState{Topics: map[string]admin.Topic{}}
	err := a.use(ctx, true, func(c *protocol.Conn) error {
		if len(names) == 0 {
			resp, err := c.Do(ctx, protocol.ListTopics{})
			if err != nil {
				return fmt.Errorf("cannot list topics: %w", err)
			}
			ts, ok := resp.(*protocol.Topics)
			if !ok {
				return fmt.Errorf("cannot list topics: unexpected reply %T", resp)
			}
			for _, n := range ts.Topics {
				// Internal topics (__consumer_offsets, ...) are the
				// broker's own, never a RivvenTopic's.
				if !strings.HasPrefix(n, "__") {
					names = append(names, n)
				}
			}
		}
		names = slices.Sorted(slices.Values(names)) // a copy: names may be the caller's
		for chunk := range slices.Chunk(names, describeChunk) {
			if err := a.describeChunk(ctx, c, chunk, state.Topics); err != nil {
				return err
			}
		}
		return nil
	})
	return state, err
}

// describeChunk reads the partitions and configs of up to describeChunk
// topics in one pipeline.
func (a *Admin) describeChunk(ctx context.Context, c *protocol.Conn, names []string, into map[string]admin.Topic) error {
	if err := a.limiter.WaitN(ctx, len(names)+1); err != nil {
		return err
	}
	reqs := make([]protocol.Request, 0, len(names)+1)
	for _, n := range names {
		reqs = append(reqs, protocol.GetMetadata{Topic: n})
	}
	reqs = append(reqs, protocol.DescribeTopicConfigs{Topics: names})
	resps, err := c.Pipeline(ctx, reqs)
	if err != nil {
		return fmt.Errorf("cannot read topic metadata: %w", err)
	}
	if len(resps) != len(reqs) {
		return fmt.Errorf("cannot read topic metadata: %d replies to %d requests", len(resps), len(reqs))
	}
	for i, n := range names {
		switch r := resps[i].(type) {
		case *protocol.Metadata:
			into[n] = admin.Topic{Name: n, Partitions: int32(min(r.Partitions, 1<<31-1)), ReplicationFactor: Copies, Configs: map[string]string{}, Defaults: map[string]string{}}
		case *protocol.ErrorResponse:
			if isTopicNotFound(r.Message) {
				continue // deleted since it was listed, or never created
			}
			return fmt.Errorf("cannot read metadata of topic %q: %w", n, r)
		case *protocol.Throttled:
			return fmt.Errorf("cannot read metadata of topic %q: %w", n, r)
		default:
			return fmt.Errorf("cannot read metadata of topic %q: unexpected reply %T", n, r)
		}
	}
	switch r := resps[len(names)].(type) {
	case *protocol.TopicConfigsDescribed:
		for _, d := range r.Configs {
			t, ok := into[d.Topic]
			if !ok {
				continue // rivvend describes configs of topics that do not exist
			}
			for k, v := range d.Configs {
				if v.IsDefault {
					t.Defaults[k] = v.Value
				} else {
					t.Configs[k] = v.Value
				}
			}
		}
	case *protocol.ErrorResponse:
		return fmt.Errorf("cannot read topic configs: %w", r)
	case *protocol.Throttled:
		return fmt.Errorf("cannot read topic configs: %w", r)
	default:
		return fmt.Errorf("cannot read topic configs: unexpected reply %T", r)
	}
	return nil
}

// isTopicNotFound matches rivvend's texts for a missing topic (PROTOCOL.md
// §3.8): they carry no code of their own.
func isTopicNotFound(msg string) bool {
	return strings.HasPrefix(msg, "Topic not found") || strings.HasPrefix(msg, "UNKNOWN_TOPIC_OR_PARTITION")
}

// CreateTopic implements admin.Admin. rivvend creates a topic without
// configs, so they follow in an AlterTopicConfig; when that fails the topic
// exists with rivvend's defaults, and the error says so (the next reconcile
// sets them).
func (a *Admin) CreateTopic(ctx context.Context, t admin.Topic) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	var partitions *uint32 // nil: the broker's RIVVEN_DEFAULT_PARTITIONS
	if t.Partitions > 0 {
		p := uint32(t.Partitions)
		partitions = &p
	}
	err := a.use(ctx, false, func(c *protocol.Conn) error {
		resp, err := c.Do(ctx, protocol.CreateTopic{Name: t.Name, Partitions: partitions})
		var e *protocol.ErrorResponse
		if errors.As(err, &e) && strings.Contains(e.Message, "already exists") {
			return admin.ErrTopicExists
		}
		if err != nil {
			return fmt.Errorf("cannot create topic %q: %w", t.Name, err)
		}
		if _, ok := resp.(*protocol.TopicCreated); !ok {
			return fmt.Errorf("cannot create topic %q: unexpected reply %T", t.Name, resp)
		}
		if len(t.Configs) == 0 {
			return nil
		}
		if err := alterConfigs(ctx, c, t.Name, t.Configs, nil); err != nil {
			return fmt.Errorf("topic %q was created with rivvend's default configs: %w", t.Name, err)
		}
		return nil
	})
	return "", err
}

// Apply implements admin.Admin.
func (a *Admin) Apply(ctx context.Context, topic string, p admin.Plan) error {
	if err := p.RefusedError(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return a.use(ctx, false, func(c *protocol.Conn) error {
		if p.Partitions > 0 {
			resp, err := c.Do(ctx, protocol.CreatePartitions{Topic: topic, NewPartitionCount: uint32(p.Partitions), Assignments: [][]string{}})
			if err != nil {
				return fmt.Errorf("cannot grow topic %q to %d partitions: %w", topic, p.Partitions, err)
			}
			if _, ok := resp.(*protocol.PartitionsCreated); !ok {
				return fmt.Errorf("cannot grow topic %q: unexpected reply %T", topic, resp)
			}
		}
		if len(p.SetConfigs) == 0 && len(p.DeleteConfigs) == 0 {
			return nil
		}
		return alterConfigs(ctx, c, topic, p.SetConfigs, p.DeleteConfigs)
	})
}

// alterConfigs sets and resets configs in one request, in a stable order.
func alterConfigs(ctx context.Context, c *protocol.Conn, topic string, set map[string]string, reset []string) error {
	req := protocol.AlterTopicConfig{Topic: topic}
	for _, k := range slices.Sorted(maps.Keys(set)) {
		v := set[k]
		req.Configs = append(req.Configs, protocol.TopicConfigEntry{Key: k, Value: &v})
	}
	for _, k := range reset {
		req.Configs = append(req.Configs, protocol.TopicConfigEntry{Key: k})
	}
	resp, err := c.Do(ctx, req)
	if err != nil {
		return fmt.Errorf("cannot change configs of topic %q: %w", topic, err)
	}
	if _, ok := resp.(*protocol.TopicConfigAltered); !ok {
		return fmt.Errorf("cannot change configs of topic %q: unexpected reply %T", topic, resp)
	}
	return nil
}

// DeleteTopic implements admin.Admin. rivvend keeps a deleted topic's data
// directory, and a topic created again under the name reopens it
// (PROTOCOL.md §3.3).
func (a *Admin) DeleteTopic(ctx context.Context, topic string) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return a.use(ctx, false, func(c *protocol.Conn) error {
		_, err := c.Do(ctx, protocol.DeleteTopic{Name: topic})
		var e *protocol.ErrorResponse
		if errors.As(err, &e) && isTopicNotFound(e.Message) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("cannot delete topic %q: %w", topic, err)
		}
		return nil
	})
}
