package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"
)

// Describe leaves no copy of the topics' metadata in the client: asking
// the client for cached metadata afterwards goes to a broker.
func TestDescribeKeepsNoClientMetadata(t *testing.T) {
	c := newCounted(t, 20)
	cl, err := kgo.NewClient(kgo.SeedBrokers(c.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	a := &kadmAdmin{cl: cl, adm: kadm.NewClient(cl)}
	state, err := a.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(state.Topics) != 20 {
		t.Fatalf("observed %d topics, want 20", len(state.Topics))
	}

	c.reset()
	req := kmsg.NewPtrMetadataRequest()
	rt := kmsg.NewMetadataRequestTopic()
	rt.Topic = kmsg.StringPtr("t-7")
	req.Topics = append(req.Topics, rt)
	resp, err := cl.RequestCachedMetadata(context.Background(), req, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Topics) != 1 || resp.Topics[0].Topic == nil || *resp.Topics[0].Topic != "t-7" {
		t.Fatalf("metadata answer %+v", resp.Topics)
	}
	c.mu.Lock()
	n := c.counts[3]
	c.mu.Unlock()
	if n == 0 {
		t.Error("the client answered t-7's metadata from a cache the observation left behind")
	}
}
