package protocol

import (
	"bytes"
	"context"
	"errors"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// The real-broker tests run the released rivvend (make rivven builds it) on
// loopback ports of their own and hold the Conn's requests and the broker's
// replies against each other. Without the binary they fail, naming the
// command that builds it; -short skips them.

const brokerVersion = "0.0.22"

// startBroker runs rivvend standalone (rivvenbin.StartBroker: a fresh data
// directory, loopback ports of its own, killed when the test ends) and
// returns its client address.
func startBroker(t *testing.T, nodeID string, auth bool) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: not running the real rivvend")
	}
	env := map[string]string{"RIVVEN_NODE_ID": nodeID, "NO_COLOR": "1"}
	if auth {
		env["RIVVEN_NO_REQUIRE_AUTH"] = "false"
	}
	return rivvenbin.StartBroker(t, brokerVersion, env).Addr
}

// call is Do with the test's bounds and failure report.
func call(t *testing.T, ctx context.Context, c *Conn, r Request) Response {
	t.Helper()
	resp, err := c.Do(ctx, r)
	if err != nil {
		t.Fatalf("%s: %v", RequestName(r), err)
	}
	return resp
}

// brokerError is Do expecting the broker's Error, returned as its message.
func brokerError(t *testing.T, ctx context.Context, c *Conn, r Request) string {
	t.Helper()
	resp, err := c.Do(ctx, r)
	var e *ErrorResponse
	if !errors.As(err, &e) {
		t.Fatalf("%s: got %#v, %v; want the broker's Error", RequestName(r), resp, err)
	}
	return e.Message
}

func diff(t *testing.T, what string, want, got any) {
	t.Helper()
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("%s (-want +got):\n%s", what, d)
	}
}

func TestRealBrokerWithoutAuth(t *testing.T) {
	addr := startBroker(t, "node-a", false)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c, err := Dial(ctx, addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.Close()
	diff(t, "handshake", &HandshakeResult{ServerVersion: 2, Compatible: true, Message: "OK"}, c.Handshake())
	diff(t, "Ping", &Pong{}, call(t, ctx, c, Ping{}))

	diff(t, "CreateTopic", &TopicCreated{Name: "orders", Partitions: 4},
		call(t, ctx, c, CreateTopic{Name: "orders", Partitions: ptr[uint32](4)}))
	diff(t, "CreateTopic default", &TopicCreated{Name: "defaulted", Partitions: 3},
		call(t, ctx, c, CreateTopic{Name: "defaulted"}))
	diff(t, "CreateTopic again", "Topic 'orders' already exists",
		brokerError(t, ctx, c, CreateTopic{Name: "orders", Partitions: ptr[uint32](4)}))
	if msg := brokerError(t, ctx, c, CreateTopic{Name: "x", Partitions: ptr[uint32](0)}); !strings.HasPrefix(msg, "INVALID_PARTITION_COUNT:") {
		t.Errorf("0 partitions: %q", msg)
	}
	if msg := brokerError(t, ctx, c, CreateTopic{Name: "a b"}); !strings.HasPrefix(msg, "INVALID_TOPIC_NAME:") {
		t.Errorf("bad name: %q", msg)
	}

	topics := call(t, ctx, c, ListTopics{}).(*Topics).Topics
	slices.Sort(topics)
	diff(t, "ListTopics", []string{"defaulted", "orders"}, topics)

	diff(t, "GetMetadata", &Metadata{Name: "orders", Partitions: 4}, call(t, ctx, c, GetMetadata{Topic: "orders"}))
	diff(t, "GetMetadata missing", "Topic not found: missing", brokerError(t, ctx, c, GetMetadata{Topic: "missing"}))

	diff(t, "AlterTopicConfig", &TopicConfigAltered{Topic: "orders", ChangedCount: 3},
		call(t, ctx, c, AlterTopicConfig{Topic: "orders", Configs: []TopicConfigEntry{
			{Key: "retention.ms", Value: ptr("86400000")},
			{Key: "cleanup.policy", Value: ptr("compact")},
			{Key: "compression.type"},
		}}))
	if msg := brokerError(t, ctx, c, AlterTopicConfig{Topic: "orders", Configs: []TopicConfigEntry{{Key: "no.such.key", Value: ptr("1")}}}); !strings.Contains(msg, "no.such.key") {
		t.Errorf("unknown key: %q", msg)
	}
	if msg := brokerError(t, ctx, c, AlterTopicConfig{Topic: "missing"}); !strings.HasPrefix(msg, "UNKNOWN_TOPIC_OR_PARTITION:") {
		t.Errorf("missing topic: %q", msg)
	}
	diff(t, "DescribeTopicConfigs", &TopicConfigsDescribed{Configs: []TopicConfigDescription{{
		Topic: "orders",
		Configs: map[string]TopicConfigValue{
			"cleanup.policy":      {Value: "compact"},
			"compression.type":    defaults("producer"),
			"max.message.bytes":   defaults("1048576"),
			"min.insync.replicas": defaults("1"),
			"retention.bytes":     defaults("-1"),
			"retention.ms":        {Value: "86400000"},
			"segment.bytes":       defaults("1073741824"),
			"segment.ms":          defaults("604800000"),
		},
	}}}, call(t, ctx, c, DescribeTopicConfigs{Topics: []string{"orders"}}))

	diff(t, "CreatePartitions", &PartitionsCreated{Topic: "orders", NewPartitionCount: 6},
		call(t, ctx, c, CreatePartitions{Topic: "orders", NewPartitionCount: 6}))
	diff(t, "GetMetadata after growing", &Metadata{Name: "orders", Partitions: 6}, call(t, ctx, c, GetMetadata{Topic: "orders"}))
	if msg := brokerError(t, ctx, c, CreatePartitions{Topic: "orders", NewPartitionCount: 2}); !strings.HasPrefix(msg, "INVALID_PARTITIONS:") {
		t.Errorf("shrinking: %q", msg)
	}

	_, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	diff(t, "GetClusterMetadata", &ClusterMetadata{
		ControllerID: ptr("node-a"),
		Brokers:      []BrokerInfo{{NodeID: "node-a", Host: "127.0.0.1", Port: uint16(p)}},
	}, call(t, ctx, c, GetClusterMetadata{}))

	replies, err := c.Pipeline(ctx, []Request{
		Ping{},
		CreateTopic{Name: "piped", Partitions: ptr[uint32](2)},
		CreateTopic{Name: "orders"},
		GetMetadata{Topic: "piped"},
		DeleteTopic{Name: "piped"},
	})
	if err != nil {
		t.Fatalf("Pipeline: %v", err)
	}
	diff(t, "Pipeline", []Response{
		&Pong{},
		&TopicCreated{Name: "piped", Partitions: 2},
		&ErrorResponse{Message: "Topic 'orders' already exists"},
		&Metadata{Name: "piped", Partitions: 2},
		&TopicDeleted{},
	}, replies)

	diff(t, "DeleteTopic", &TopicDeleted{}, call(t, ctx, c, DeleteTopic{Name: "orders"}))
	diff(t, "DeleteTopic again", "Topic not found: orders", brokerError(t, ctx, c, DeleteTopic{Name: "orders"}))
	diff(t, "ListTopics after delete", &Topics{Topics: []string{"defaulted"}}, call(t, ctx, c, ListTopics{}))

	// SCRAM on an auth-off broker is refused with an Error, not a
	// ScramServerFinal.
	_, err = Dial(ctx, addr, DialOptions{SCRAM: &Credentials{Username: "alice", Password: "pw"}})
	var e *ErrorResponse
	if !errors.As(err, &e) || !strings.HasPrefix(e.Message, "UNSUPPORTED:") {
		t.Errorf("SCRAM without auth: %v", err)
	}
}

// TestRealBrokerAnswersBadFramesUnderCorrelationZero checks what PROTOCOL.md
// §1.4 says and the Conn relies on to detect it: a payload the broker cannot
// parse is answered with an Error under correlation id 0, and the
// connection stays open.
func TestRealBrokerAnswersBadFramesUnderCorrelationZero(t *testing.T) {
	addr := startBroker(t, "node-b", false)
	nc, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	for _, payload := range [][]byte{
		{0x08, 0x01, 0xff}, // DeleteTopic with a name that is not UTF-8
		append([]byte{0x08, 0x81, 0x02}, bytes.Repeat([]byte("a"), 257)...), // a 257-byte name
	} {
		if err := WriteFrame(nc, 42, payload); err != nil {
			t.Fatal(err)
		}
		corr, reply, err := ReadFrame(nc, MaxFrameSize)
		if err != nil {
			t.Fatalf("reading the reply to %x: %v", payload[:3], err)
		}
		r, err := UnmarshalResponse(reply)
		if err != nil {
			t.Fatal(err)
		}
		e, ok := r.(*ErrorResponse)
		if corr != 0 || !ok || !strings.HasPrefix(e.Message, "INVALID_REQUEST:") {
			t.Errorf("reply to %x: corr %d, %#v; want corr 0 and INVALID_REQUEST", payload[:3], corr, r)
		}
	}
	// Still open: a good request is answered under its own id.
	ping, _ := MarshalRequest(Ping{})
	if err := WriteFrame(nc, 43, ping); err != nil {
		t.Fatal(err)
	}
	corr, reply, err := ReadFrame(nc, MaxFrameSize)
	if err != nil || corr != 43 || !bytes.Equal(reply, []byte{respPong}) {
		t.Errorf("Ping after bad frames: corr %d, %x, %v", corr, reply, err)
	}
}

func TestRealBrokerWithAuth(t *testing.T) {
	addr := startBroker(t, "node-c", true)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	c, err := Dial(ctx, addr, DialOptions{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatalf("Dial (the broker answers the handshake with an Error, which must not fail it): %v", err)
	}
	defer c.Close()
	if c.Handshake() != nil {
		t.Errorf("Handshake() = %#v, want nil: an auth-on broker answers Handshake with an Error", c.Handshake())
	}
	diff(t, "Ping", &Pong{}, call(t, ctx, c, Ping{}))
	diff(t, "CreateTopic unauthenticated", "AUTHENTICATION_REQUIRED: Please authenticate first",
		brokerError(t, ctx, c, CreateTopic{Name: "orders"}))
	diff(t, "ListTopics unauthenticated", "AUTHENTICATION_REQUIRED: Please authenticate first",
		brokerError(t, ctx, c, ListTopics{}))

	// The stock broker has no users: any login fails, after a full SCRAM
	// exchange against a fake salt.
	_, err = Dial(ctx, addr, DialOptions{SCRAM: &Credentials{Username: "alice", Password: "not-a-real-password"}, Timeout: 20 * time.Second})
	if err == nil {
		t.Fatal("SCRAM login succeeded on a broker with no users")
	}
	if !errors.Is(err, ErrLoginFailed) || !strings.Contains(err.Error(), "e=Authentication failed") {
		t.Errorf("SCRAM login: %v, want ErrLoginFailed with e=Authentication failed", err)
	}
	if strings.Contains(err.Error(), "not-a-real-password") {
		t.Errorf("the error shows the password: %v", err)
	}
}
