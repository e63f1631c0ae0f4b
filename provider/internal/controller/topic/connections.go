package topic

import (
	"sync"
	"time"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// connections remembers each provider config's resolved connection for a
// while, so that its Secrets are read once per interval per provider config
// instead of once per topic reconcile: with uncached Secret reads, 1,000
// topics of one SASL cluster would otherwise cost 1,000 GETs per poll. A
// changed provider config (new resource version) is resolved again at once;
// a rotated Secret is picked up within one interval.
type connections struct {
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	cache map[string]resolved
}

type resolved struct {
	resourceVersion string
	conn            admin.Connection
	at              time.Time
}

// get returns the connection remembered for pc, or resolves it.
func (c *connections) get(pc ProviderConfigRef, resolve func() (admin.Connection, error)) (admin.Connection, error) {
	if c == nil || c.ttl <= 0 {
		return resolve()
	}
	now := c.now()
	c.mu.Lock()
	r, ok := c.cache[pc.Key]
	c.mu.Unlock()
	if ok && r.resourceVersion == pc.ResourceVersion && now.Sub(r.at) < c.ttl {
		return r.conn, nil
	}
	conn, err := resolve()
	if err != nil {
		return conn, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cache == nil {
		c.cache = map[string]resolved{}
	}
	c.cache[pc.Key] = resolved{resourceVersion: pc.ResourceVersion, conn: conn, at: now}
	return conn, nil
}
