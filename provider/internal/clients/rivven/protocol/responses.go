package protocol

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// Response is one of the response types of this file. It is sealed: only
// this package's types implement it. UnmarshalResponse returns pointers
// (*TopicCreated); MarshalResponse takes values or pointers.
type Response interface {
	responseVariant() uint32
	encode(e *encoder)
}

type responseDecoder interface {
	Response
	decode(d *decoder)
}

// responseNames are the variants of rivven-protocol 0.0.22's Response enum
// in declaration order, which is their wire index (see requestNames).
var responseNames = [...]string{
	"Authenticated", "ScramServerFirst", "ScramServerFinal", "Published", "Messages",
	"TopicCreated", "Topics", "TopicDeleted", "OffsetCommitted", "Offset",
	"Metadata", "ClusterMetadata", "Pong", "OffsetBounds", "Groups",
	"GroupDescription", "GroupDeleted", "OffsetForTimestamp", "Error", "Ok",
	"ProducerIdInitialized", "IdempotentPublished", "TransactionStarted", "PartitionsAddedToTxn", "TransactionalPublished",
	"OffsetsAddedToTxn", "TransactionCommitted", "TransactionAborted", "QuotasDescribed", "QuotasAltered",
	"Throttled", "TopicConfigAltered", "PartitionsCreated", "RecordsDeleted", "TopicConfigsDescribed",
	"HandshakeResult", "JoinGroupResult", "SyncGroupResult", "HeartbeatResult", "LeaveGroupResult",
	"PublishedBatch", "IdempotentPublishedBatch",
}

// Wire indices of the supported responses.
const (
	respAuthenticated         = 0
	respScramServerFirst      = 1
	respScramServerFinal      = 2
	respTopicCreated          = 5
	respTopics                = 6
	respTopicDeleted          = 7
	respMetadata              = 10
	respClusterMetadata       = 11
	respPong                  = 12
	respError                 = 18
	respOk                    = 19
	respThrottled             = 30
	respTopicConfigAltered    = 31
	respPartitionsCreated     = 32
	respTopicConfigsDescribed = 34
	respHandshakeResult       = 35
)

func newResponse(variant uint32) (responseDecoder, error) {
	switch variant {
	case respAuthenticated:
		return &Authenticated{}, nil
	case respScramServerFirst:
		return &ScramServerFirst{}, nil
	case respScramServerFinal:
		return &ScramServerFinal{}, nil
	case respTopicCreated:
		return &TopicCreated{}, nil
	case respTopics:
		return &Topics{}, nil
	case respTopicDeleted:
		return &TopicDeleted{}, nil
	case respMetadata:
		return &Metadata{}, nil
	case respClusterMetadata:
		return &ClusterMetadata{}, nil
	case respPong:
		return &Pong{}, nil
	case respError:
		return &ErrorResponse{}, nil
	case respOk:
		return &Ok{}, nil
	case respThrottled:
		return &Throttled{}, nil
	case respTopicConfigAltered:
		return &TopicConfigAltered{}, nil
	case respPartitionsCreated:
		return &PartitionsCreated{}, nil
	case respTopicConfigsDescribed:
		return &TopicConfigsDescribed{}, nil
	case respHandshakeResult:
		return &HandshakeResult{}, nil
	}
	if int(variant) < len(responseNames) {
		return nil, fmt.Errorf("unsupported response variant %d (%s)", variant, responseNames[variant])
	}
	return nil, fmt.Errorf("unknown response variant %d", variant)
}

// ResponseName is the Rust variant name of r, for logs and errors.
func ResponseName(r Response) string {
	if r == nil {
		return "<nil>"
	}
	return responseNames[r.responseVariant()]
}

// MarshalResponse encodes r as a postcard payload, without the frame header.
// Maps are written in sorted key order, so the bytes are deterministic (the
// broker's own order is random).
func MarshalResponse(r Response) ([]byte, error) {
	if isNil(r) {
		return nil, fmt.Errorf("encoding response: nil %T", r)
	}
	e := &encoder{}
	e.u32(r.responseVariant())
	r.encode(e)
	if e.err != nil {
		return nil, fmt.Errorf("encoding %s: %w", ResponseName(r), e.err)
	}
	return e.buf, nil
}

// UnmarshalResponse decodes a postcard payload into a pointer to one of the
// response types. A variant outside them is an error naming its index.
// Bytes after a complete message are ignored, as postcard does.
func UnmarshalResponse(b []byte) (Response, error) {
	d := &decoder{buf: b}
	v := d.u32("variant")
	if d.err != nil {
		return nil, fmt.Errorf("decoding response: %w", d.err)
	}
	r, err := newResponse(v)
	if err != nil {
		return nil, fmt.Errorf("decoding response: %w", err)
	}
	r.decode(d)
	if d.err != nil {
		return nil, fmt.Errorf("decoding %s: %w", responseNames[v], d.err)
	}
	return r, nil
}

// Authenticated answers the deprecated plaintext Authenticate.
type Authenticated struct {
	SessionID string
	ExpiresIn uint64 // seconds
}

func (Authenticated) responseVariant() uint32 { return respAuthenticated }
func (r Authenticated) encode(e *encoder) {
	e.str("session_id", r.SessionID)
	e.u64(r.ExpiresIn)
}
func (r *Authenticated) decode(d *decoder) {
	r.SessionID = d.str("session_id")
	r.ExpiresIn = d.u64("expires_in")
}

// ScramServerFirst carries the SCRAM server-first message (nonce, salt,
// iterations).
type ScramServerFirst struct{ Message []byte }

func (ScramServerFirst) responseVariant() uint32 { return respScramServerFirst }
func (r ScramServerFirst) encode(e *encoder)     { e.bytes("message", r.Message) }
func (r *ScramServerFirst) decode(d *decoder)    { r.Message = d.bytes("message") }

// ScramServerFinal carries the server-final message: "v=<signature>" with a
// session on success, "e=<reason>" and no session on failure.
type ScramServerFinal struct {
	Message   []byte
	SessionID *string
	ExpiresIn *uint64 // seconds
}

func (ScramServerFinal) responseVariant() uint32 { return respScramServerFinal }
func (r ScramServerFinal) encode(e *encoder) {
	e.bytes("message", r.Message)
	e.optStr("session_id", r.SessionID)
	e.optU64(r.ExpiresIn)
}
func (r *ScramServerFinal) decode(d *decoder) {
	r.Message = d.bytes("message")
	r.SessionID = d.optStr("session_id")
	r.ExpiresIn = d.optU64("expires_in")
}

// TopicCreated answers CreateTopic with the partition count the topic got.
type TopicCreated struct {
	Name       string
	Partitions uint32
}

func (TopicCreated) responseVariant() uint32 { return respTopicCreated }
func (r TopicCreated) encode(e *encoder) {
	e.str("name", r.Name)
	e.u32(r.Partitions)
}
func (r *TopicCreated) decode(d *decoder) {
	r.Name = d.str("name")
	r.Partitions = d.u32("partitions")
}

// Topics answers ListTopics. The crate refuses names over MaxNameLen here,
// and so does this package.
type Topics struct{ Topics []string }

func (Topics) responseVariant() uint32 { return respTopics }
func (r Topics) encode(e *encoder)     { encodeList(e, "topics", r.Topics, encName) }
func (r *Topics) decode(d *decoder)    { r.Topics = decodeList(d, "topics", decName) }

// TopicDeleted answers DeleteTopic.
type TopicDeleted struct{}

func (TopicDeleted) responseVariant() uint32 { return respTopicDeleted }
func (TopicDeleted) encode(*encoder)         {}
func (*TopicDeleted) decode(*decoder)        {}

// Metadata answers GetMetadata.
type Metadata struct {
	Name       string
	Partitions uint32
}

func (Metadata) responseVariant() uint32 { return respMetadata }
func (r Metadata) encode(e *encoder) {
	e.str("name", r.Name)
	e.u32(r.Partitions)
}
func (r *Metadata) decode(d *decoder) {
	r.Name = d.str("name")
	r.Partitions = d.u32("partitions")
}

// ClusterMetadata answers GetClusterMetadata.
type ClusterMetadata struct {
	ControllerID *string
	Brokers      []BrokerInfo
	Topics       []TopicMetadata
}

// BrokerInfo is one node. Host is its bind address, which may be 0.0.0.0.
type BrokerInfo struct {
	NodeID, Host string
	Port         uint16
	Rack         *string
}

// TopicMetadata is one Raft-known topic.
type TopicMetadata struct {
	Name       string
	IsInternal bool
	Partitions []PartitionMetadata
}

// PartitionMetadata is one partition of a TopicMetadata.
type PartitionMetadata struct {
	Partition     uint32
	Leader        *string
	Replicas, ISR []string
	Offline       bool
}

func (ClusterMetadata) responseVariant() uint32 { return respClusterMetadata }
func (r ClusterMetadata) encode(e *encoder) {
	e.optStr("controller_id", r.ControllerID)
	encodeList(e, "brokers", r.Brokers, func(e *encoder, b BrokerInfo) {
		e.str("node_id", b.NodeID)
		e.str("host", b.Host)
		e.u16(b.Port)
		e.optStr("rack", b.Rack)
	})
	encodeList(e, "topics", r.Topics, func(e *encoder, t TopicMetadata) {
		e.str("name", t.Name)
		e.boolean(t.IsInternal)
		encodeList(e, "partitions", t.Partitions, func(e *encoder, p PartitionMetadata) {
			e.u32(p.Partition)
			e.optStr("leader", p.Leader)
			encodeList(e, "replicas", p.Replicas, encStr)
			encodeList(e, "isr", p.ISR, encStr)
			e.boolean(p.Offline)
		})
	})
}
func (r *ClusterMetadata) decode(d *decoder) {
	r.ControllerID = d.optStr("controller_id")
	r.Brokers = decodeList(d, "brokers", func(d *decoder) BrokerInfo {
		return BrokerInfo{NodeID: d.str("node_id"), Host: d.str("host"), Port: d.u16("port"), Rack: d.optStr("rack")}
	})
	r.Topics = decodeList(d, "topics", func(d *decoder) TopicMetadata {
		return TopicMetadata{
			Name:       d.str("name"),
			IsInternal: d.boolean("is_internal"),
			Partitions: decodeList(d, "partitions", func(d *decoder) PartitionMetadata {
				return PartitionMetadata{
					Partition: d.u32("partition"),
					Leader:    d.optStr("leader"),
					Replicas:  decodeList(d, "replicas", decStr),
					ISR:       decodeList(d, "isr", decStr),
					Offline:   d.boolean("offline"),
				}
			}),
		}
	})
}

// Pong answers Ping.
type Pong struct{}

func (Pong) responseVariant() uint32 { return respPong }
func (Pong) encode(*encoder)         {}
func (*Pong) decode(*decoder)        {}

// ErrorResponse is the protocol's Error variant: the broker refused the
// request. Message is free text; some kinds of failure start with a code
// ("UNKNOWN_TOPIC_OR_PARTITION: ..."), others do not ("Topic 'x' already
// exists"). Conn.Do returns it as the error.
type ErrorResponse struct{ Message string }

func (r *ErrorResponse) Error() string { return "rivven broker: " + r.Message }

func (ErrorResponse) responseVariant() uint32 { return respError }
func (r ErrorResponse) encode(e *encoder)     { e.str("message", r.Message) }
func (r *ErrorResponse) decode(d *decoder)    { r.Message = d.str("message") }

// Ok is a bare success. rivvend 0.0.22 never sends it.
type Ok struct{}

func (Ok) responseVariant() uint32 { return respOk }
func (Ok) encode(*encoder)         {}
func (*Ok) decode(*decoder)        {}

// Throttled means a quota was hit; any request can get it. Conn.Do returns
// it as the error.
type Throttled struct {
	ThrottleTimeMs uint64
	QuotaType      string
	Entity         string
}

// RetryAfter is how long the broker asks the client to wait.
func (t *Throttled) RetryAfter() time.Duration {
	const maxMs = uint64(1<<63-1) / uint64(time.Millisecond)
	return time.Duration(min(t.ThrottleTimeMs, maxMs)) * time.Millisecond
}

func (t *Throttled) Error() string {
	return fmt.Sprintf("rivven broker: throttled by quota %q for %q, retry after %dms", t.QuotaType, t.Entity, t.ThrottleTimeMs)
}

func (Throttled) responseVariant() uint32 { return respThrottled }
func (r Throttled) encode(e *encoder) {
	e.u64(r.ThrottleTimeMs)
	e.str("quota_type", r.QuotaType)
	e.str("entity", r.Entity)
}
func (r *Throttled) decode(d *decoder) {
	r.ThrottleTimeMs = d.u64("throttle_time_ms")
	r.QuotaType = d.str("quota_type")
	r.Entity = d.str("entity")
}

// TopicConfigAltered answers AlterTopicConfig. ChangedCount is the number
// of entries processed, no-ops and resets included (a Rust usize, which is a
// u64 varint on the wire).
type TopicConfigAltered struct {
	Topic        string
	ChangedCount uint64
}

func (TopicConfigAltered) responseVariant() uint32 { return respTopicConfigAltered }
func (r TopicConfigAltered) encode(e *encoder) {
	e.str("topic", r.Topic)
	e.u64(r.ChangedCount)
}
func (r *TopicConfigAltered) decode(d *decoder) {
	r.Topic = d.str("topic")
	r.ChangedCount = d.u64("changed_count")
}

// PartitionsCreated answers CreatePartitions with the requested total.
type PartitionsCreated struct {
	Topic             string
	NewPartitionCount uint32
}

func (PartitionsCreated) responseVariant() uint32 { return respPartitionsCreated }
func (r PartitionsCreated) encode(e *encoder) {
	e.str("topic", r.Topic)
	e.u32(r.NewPartitionCount)
}
func (r *PartitionsCreated) decode(d *decoder) {
	r.Topic = d.str("topic")
	r.NewPartitionCount = d.u32("new_partition_count")
}

// TopicConfigsDescribed answers DescribeTopicConfigs, one entry per
// requested topic in request order.
type TopicConfigsDescribed struct{ Configs []TopicConfigDescription }

// TopicConfigDescription is one topic's config by key. The broker sends the
// map in random order; a key sent twice keeps its last value, as the Rust
// HashMap decoder does.
type TopicConfigDescription struct {
	Topic   string
	Configs map[string]TopicConfigValue
}

// TopicConfigValue is one config value with its flags.
type TopicConfigValue struct {
	Value                              string
	IsDefault, IsReadOnly, IsSensitive bool
}

func (TopicConfigsDescribed) responseVariant() uint32 { return respTopicConfigsDescribed }
func (r TopicConfigsDescribed) encode(e *encoder) {
	encodeList(e, "configs", r.Configs, func(e *encoder, c TopicConfigDescription) {
		e.str("topic", c.Topic)
		keys := slices.Sorted(maps.Keys(c.Configs))
		encodeList(e, "configs", keys, func(e *encoder, k string) {
			v := c.Configs[k]
			e.str("key", k)
			e.str("value", v.Value)
			e.boolean(v.IsDefault)
			e.boolean(v.IsReadOnly)
			e.boolean(v.IsSensitive)
		})
	})
}
func (r *TopicConfigsDescribed) decode(d *decoder) {
	r.Configs = decodeList(d, "configs", func(d *decoder) TopicConfigDescription {
		c := TopicConfigDescription{Topic: d.str("topic")}
		n := d.seq("configs")
		if n == 0 {
			return c
		}
		c.Configs = make(map[string]TopicConfigValue, n)
		for i := range n {
			k := d.str("key")
			v := TopicConfigValue{
				Value:       d.str("value"),
				IsDefault:   d.boolean("is_default"),
				IsReadOnly:  d.boolean("is_read_only"),
				IsSensitive: d.boolean("is_sensitive"),
			}
			if d.err != nil {
				d.err = within(d.err, "configs", i)
				return c
			}
			c.Configs[k] = v
		}
		return c
	})
}

// HandshakeResult answers Handshake on a broker without authentication.
type HandshakeResult struct {
	ServerVersion uint32
	Compatible    bool
	Message       string
}

func (HandshakeResult) responseVariant() uint32 { return respHandshakeResult }
func (r HandshakeResult) encode(e *encoder) {
	e.u32(r.ServerVersion)
	e.boolean(r.Compatible)
	e.str("message", r.Message)
}
func (r *HandshakeResult) decode(d *decoder) {
	r.ServerVersion = d.u32("server_version")
	r.Compatible = d.boolean("compatible")
	r.Message = d.str("message")
}
