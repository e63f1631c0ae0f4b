package admin

import (
	"context"
	"testing"
	"time"
)

// fakeAdmin is an Admin that records whether it was closed.
type fakeAdmin struct {
	Admin
	closed bool
}

func (f *fakeAdmin) Close() { f.closed = true }

func (f *fakeAdmin) Describe(context.Context, ...string) (ClusterState, error) {
	return ClusterState{Topics: map[string]Topic{}}, nil
}

func TestPoolReplacesClientOnChangeAndEvictsIdle(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var made []Connection
	var admins []*fakeAdmin
	p := NewPool(time.Minute, func(c Connection) (Admin, error) {
		made = append(made, c)
		a := &fakeAdmin{}
		admins = append(admins, a)
		return a, nil
	}, WithClock(func() time.Time { return now }))
	defer p.Close()
	conn := Connection{Protocol: ProtocolKafka, BootstrapServers: []string{"127.0.0.1:1"}, SASL: &SASL{Mechanism: "PLAIN", Username: "u", Password: "old"}}
	a, _ := p.Get("pc", conn)
	b, _ := p.Get("pc", conn)
	if a != b || len(made) != 1 {
		t.Fatalf("same settings must reuse the client: %d clients made", len(made))
	}
	rotated := conn
	rotated.SASL = &SASL{Mechanism: "PLAIN", Username: "u", Password: "new"}
	c, _ := p.Get("pc", rotated)
	if c == a || len(made) != 2 || made[1].SASL.Password != "new" || !admins[0].closed {
		t.Fatalf("a rotated password must replace (and close) the client: %d clients made", len(made))
	}
	// Another protocol on the same addresses is another client too.
	other := rotated
	other.Protocol = ProtocolRivven
	if d, _ := p.Get("pc", other); d == c || len(made) != 3 {
		t.Fatalf("a protocol change must replace the client: %d clients made", len(made))
	}
	now = now.Add(IdlePolls*time.Minute + time.Second)
	if _, err := p.Get("other", Connection{BootstrapServers: []string{"127.0.0.1:2"}}); err != nil {
		t.Fatal(err)
	}
	p.mu.Lock()
	_, kept := p.clusters["pc"]
	p.mu.Unlock()
	if kept || !admins[2].closed {
		t.Error("an idle cluster client must be closed and dropped")
	}
}
