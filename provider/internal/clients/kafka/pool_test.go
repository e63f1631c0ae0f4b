package kafka

import (
	"context"
	"fmt"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

type counted struct {
	*kfake.Cluster
	mu     sync.Mutex
	counts map[int16]int
}

func newCounted(t *testing.T, topics int) *counted {
	t.Helper()
	c, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	cc := &counted{Cluster: c, counts: map[int16]int{}}
	c.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		cc.mu.Lock()
		cc.counts[req.Key()]++
		cc.mu.Unlock()
		return nil, nil, false
	})
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	names := make([]string, topics)
	for i := range names {
		names[i] = fmt.Sprintf("t-%d", i)
	}
	if _, err := kadm.NewClient(cl).CreateTopics(context.Background(), 1, 1, nil, names...); err != nil {
		t.Fatal(err)
	}
	return cc
}

func (c *counted) describes() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return fmt.Sprintf("metadata=%d configs=%d acls=%d", c.counts[3], c.counts[32], c.counts[29])
}

func (c *counted) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	clear(c.counts)
}

// TestRequestsGrowWithClusters: two clusters of 300 topics each cost three
// describe requests per cluster per poll, and nothing more.
func TestRequestsGrowWithClusters(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	p := admin.NewPool(time.Minute, Factory(time.Minute), admin.WithClock(func() time.Time { return now }))
	defer p.Close()
	clusters := []*counted{newCounted(t, 300), newCounted(t, 300)}
	poll := func() {
		for i, c := range clusters {
			cl, err := p.Get(fmt.Sprintf("ProviderConfig/ns/c%d", i), admin.Connection{BootstrapServers: c.ListenAddrs()})
			if err != nil {
				t.Fatal(err)
			}
			for j := range 300 {
				if _, ok, _, err := cl.Observe(context.Background(), fmt.Sprintf("t-%d", j)); err != nil || !ok {
					t.Fatalf("observe: ok=%v err=%v", ok, err)
				}
			}
		}
	}
	poll()
	for _, c := range clusters {
		c.reset()
	}
	now = now.Add(time.Minute)
	poll()
	for i, c := range clusters {
		if got := c.describes(); got != "metadata=1 configs=1 acls=1" {
			t.Errorf("cluster %d: %s per poll, want one of each", i, got)
		}
	}
	// Within the same poll interval nothing is sent at all.
	for _, c := range clusters {
		c.reset()
	}
	poll()
	for i, c := range clusters {
		if got := c.describes(); got != "metadata=0 configs=0 acls=0" {
			t.Errorf("cluster %d: %s within one interval, want none", i, got)
		}
	}
}

func TestConnIdleTimeoutOutlastsPolls(t *testing.T) {
	for poll, want := range map[time.Duration]time.Duration{
		time.Second:      30 * time.Second, // franz-go's own default is the floor
		20 * time.Second: 200 * time.Second,
		time.Minute:      10 * time.Minute,
		// franz-go refuses more than 15 minutes.
		100 * time.Second: 15 * time.Minute,
	} {
		if got := connIdleTimeout(poll); got != want {
			t.Errorf("connIdleTimeout(%s) = %s, want %s", poll, got, want)
		}
		// A connection must outlast the longest gap between two
		// requests on it: 2*(brokers+seed)/3 polls for 3 brokers.
		if got := connIdleTimeout(poll); got < min(3*poll, 15*time.Minute) {
			t.Errorf("connIdleTimeout(%s) = %s is shorter than three polls", poll, got)
		}
	}
}
