package admin

import (
	"context"
	"sync"
	"time"
)

// Pool keeps one admin client and one shared observation per cluster (per
// ProviderConfig), so the number of admin requests per poll grows with the
// number of clusters, not with the number of topics.
type Pool struct {
	ttl      time.Duration
	newAdmin func(Connection) (Admin, error)
	now      func() time.Time

	mu       sync.Mutex
	clusters map[string]*Cluster
}

// IdlePolls is how many poll intervals a cluster's client may go unused
// before it is closed, for example after its ProviderConfig was deleted.
const IdlePolls = 10

// PoolOption configures a Pool.
type PoolOption func(*Pool)

// WithClock replaces the clock, for tests of cache expiry.
func WithClock(now func() time.Time) PoolOption {
	return func(p *Pool) { p.now = now }
}

// NewPool returns a pool whose cluster observations are reused for ttl,
// normally the poll interval: every topic of a cluster polled within one
// interval is answered from one observation. newAdmin builds a cluster's
// client for its connection (and so for its protocol).
func NewPool(ttl time.Duration, newAdmin func(Connection) (Admin, error), o ...PoolOption) *Pool {
	p := &Pool{
		ttl:      ttl,
		newAdmin: newAdmin,
		now:      time.Now,
		clusters: map[string]*Cluster{},
	}
	for _, fn := range o {
		fn(p)
	}
	return p
}

// Get returns the cached cluster for key, replacing it (and closing its
// client) when the connection settings or secrets changed.
func (p *Pool) Get(key string, c Connection) (*Cluster, error) {
	fp := c.Fingerprint()
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	for k, cl := range p.clusters {
		if k != key && now.Sub(cl.lastUsed) > IdlePolls*p.ttl {
			cl.admin.Close()
			delete(p.clusters, k)
		}
	}
	if cl, ok := p.clusters[key]; ok {
		if cl.fingerprint == fp {
			cl.lastUsed = now
			return cl, nil
		}
		cl.admin.Close()
		delete(p.clusters, key)
	}
	adm, err := p.newAdmin(c)
	if err != nil {
		return nil, err
	}
	cl := &Cluster{admin: adm, fingerprint: fp, lastUsed: now, ttl: p.ttl, errTTL: min(p.ttl, 5*time.Second), now: p.now, dirty: map[string]bool{}}
	p.clusters[key] = cl
	return cl, nil
}

// Close closes every cached client.
func (p *Pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, cl := range p.clusters {
		cl.admin.Close()
		delete(p.clusters, k)
	}
}

// Cluster is one cluster's admin client and its shared observation.
type Cluster struct {
	admin       Admin
	fingerprint string
	lastUsed    time.Time // guarded by the pool's mutex
	ttl, errTTL time.Duration
	now         func() time.Time

	// mu is held during fetches too: topics polled while a fetch is in
	// flight wait for its result instead of starting their own.
	mu        sync.Mutex
	state     *ClusterState
	fetched   time.Time
	lastErr   error
	lastErrAt time.Time
	dirty     map[string]bool
}

// Admin returns the cluster's admin client, for writes.
func (c *Cluster) Admin() Admin { return c.admin }

// Observe returns the named topic from the shared observation, refreshing
// the observation when it is older than the TTL. A topic this provider
// changed since the last refresh is re-read on its own, so a resource never
// judges its own write from stale data. Errors are shared for a few seconds
// too: while a broker is down every topic reports the same cause without
// each sending requests of its own.
func (c *Cluster) Observe(ctx context.Context, name string) (Topic, bool, ClusterState, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	if c.state == nil || now.Sub(c.fetched) >= c.ttl {
		if c.lastErr != nil && now.Sub(c.lastErrAt) < c.errTTL {
			return Topic{}, false, ClusterState{}, c.lastErr
		}
		st, err := c.admin.Describe(ctx)
		if err != nil {
			c.lastErr, c.lastErrAt = err, now
			return Topic{}, false, ClusterState{}, err
		}
		c.state, c.fetched, c.lastErr = &st, now, nil
		clear(c.dirty)
	}
	if c.dirty[name] {
		st, err := c.admin.Describe(ctx, name)
		if err != nil {
			return Topic{}, false, ClusterState{}, err
		}
		if t, ok := st.Topics[name]; ok {
			c.state.Topics[name] = t
		} else {
			delete(c.state.Topics, name)
		}
		delete(c.dirty, name)
	}
	t, ok := c.state.Topics[name]
	return t, ok, ClusterState{ACLsUnsupported: c.state.ACLsUnsupported}, nil
}

// Changed records that this provider wrote to the topic, so its next
// observation reads it afresh.
func (c *Cluster) Changed(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.dirty[name] = true
}
