package kafka

import (
	"context"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
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

// A broker without an authorizer answers DescribeACLs with
// SECURITY_DISABLED; the observation must say so, or spec.acls on such a
// broker is never refused (it was lost once through a value copy).
func TestDescribeReportsBrokerWithoutAuthorizer(t *testing.T) {
	c := newCounted(t, 2)
	c.Control(func(req kmsg.Request) (kmsg.Response, error, bool) {
		c.KeepControl()
		if req.Key() != kmsg.DescribeACLs.Int16() {
			return nil, nil, false
		}
		resp := req.ResponseKind().(*kmsg.DescribeACLsResponse)
		resp.ErrorCode = kerr.SecurityDisabled.Code
		return resp, nil, true
	})
	a, err := NewAdmin(admin.Connection{Protocol: admin.ProtocolKafka, BootstrapServers: c.ListenAddrs()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	state, err := a.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !state.ACLsUnsupported {
		t.Error("ACLsUnsupported = false for a broker that answered SECURITY_DISABLED")
	}
	if len(state.Topics) != 2 {
		t.Errorf("observed %d topics, want 2", len(state.Topics))
	}
}
