package protocol

import (
	"fmt"
	"reflect"
)

// Request is one of the request types of this file. It is sealed: only this
// package's types implement it. Both a value (Ping{}) and a pointer
// (&Ping{}) are a Request; UnmarshalRequest returns pointers.
type Request interface {
	requestVariant() uint32
	encode(e *encoder)
}

// requestDecoder is a pointer to a Request that can fill itself in.
type requestDecoder interface {
	Request
	decode(d *decoder)
}

// requestNames are the variants of rivven-protocol 0.0.22's Request enum in
// declaration order: postcard writes a variant as its zero-based index, so
// the position is the wire value. Only the admin subset below has Go types;
// the names serve error messages about the others.
var requestNames = [...]string{
	"Authenticate", "SaslAuthenticate", "ScramClientFirst", "ScramClientFinal", "Publish",
	"Consume", "CreateTopic", "ListTopics", "DeleteTopic", "CommitOffset",
	"GetOffset", "GetMetadata", "GetClusterMetadata", "Ping", "GetOffsetBounds",
	"ListGroups", "DescribeGroup", "DeleteGroup", "GetOffsetForTimestamp", "InitProducerId",
	"IdempotentPublish", "BeginTransaction", "AddPartitionsToTxn", "TransactionalPublish", "AddOffsetsToTxn",
	"CommitTransaction", "AbortTransaction", "DescribeQuotas", "AlterQuotas", "AlterTopicConfig",
	"CreatePartitions", "DeleteRecords", "DescribeTopicConfigs", "Handshake", "JoinGroup",
	"SyncGroup", "Heartbeat", "LeaveGroup", "PublishBatch", "IdempotentPublishBatch",
}

// Wire indices of the supported requests.
const (
	reqScramClientFirst     = 2
	reqScramClientFinal     = 3
	reqCreateTopic          = 6
	reqListTopics           = 7
	reqDeleteTopic          = 8
	reqGetMetadata          = 11
	reqGetClusterMetadata   = 12
	reqPing                 = 13
	reqAlterTopicConfig     = 29
	reqCreatePartitions     = 30
	reqDescribeTopicConfigs = 32
	reqHandshake            = 33
)

func newRequest(variant uint32) (requestDecoder, error) {
	switch variant {
	case reqScramClientFirst:
		return &ScramClientFirst{}, nil
	case reqScramClientFinal:
		return &ScramClientFinal{}, nil
	case reqCreateTopic:
		return &CreateTopic{}, nil
	case reqListTopics:
		return &ListTopics{}, nil
	case reqDeleteTopic:
		return &DeleteTopic{}, nil
	case reqGetMetadata:
		return &GetMetadata{}, nil
	case reqGetClusterMetadata:
		return &GetClusterMetadata{}, nil
	case reqPing:
		return &Ping{}, nil
	case reqAlterTopicConfig:
		return &AlterTopicConfig{}, nil
	case reqCreatePartitions:
		return &CreatePartitions{}, nil
	case reqDescribeTopicConfigs:
		return &DescribeTopicConfigs{}, nil
	case reqHandshake:
		return &Handshake{}, nil
	}
	if int(variant) < len(requestNames) {
		return nil, fmt.Errorf("unsupported request variant %d (%s)", variant, requestNames[variant])
	}
	return nil, fmt.Errorf("unknown request variant %d", variant)
}

// RequestName is the Rust variant name of r, for logs and errors.
func RequestName(r Request) string {
	if r == nil {
		return "<nil>"
	}
	return requestNames[r.requestVariant()]
}

// MarshalRequest encodes r as a postcard payload, without the frame header.
// It refuses what the broker would refuse after decoding (a name over
// MaxNameLen bytes, a list over MaxListLen entries, a SCRAM message over
// MaxAuthPayload, a string that is not UTF-8): the broker answers those under
// correlation id 0, which would cost the connection.
func MarshalRequest(r Request) ([]byte, error) {
	if isNil(r) {
		return nil, fmt.Errorf("encoding request: nil %T", r)
	}
	e := &encoder{}
	e.u32(r.requestVariant())
	r.encode(e)
	if e.err != nil {
		return nil, fmt.Errorf("encoding %s: %w", RequestName(r), e.err)
	}
	return e.buf, nil
}

// UnmarshalRequest decodes a postcard payload into a pointer to one of the
// request types. Other variants of the protocol are an error naming the
// variant. Bytes after a complete message are ignored, as postcard does.
func UnmarshalRequest(b []byte) (Request, error) {
	d := &decoder{buf: b}
	v := d.u32("variant")
	if d.err != nil {
		return nil, fmt.Errorf("decoding request: %w", d.err)
	}
	r, err := newRequest(v)
	if err != nil {
		return nil, fmt.Errorf("decoding request: %w", err)
	}
	r.decode(d)
	if d.err != nil {
		return nil, fmt.Errorf("decoding %s: %w", requestNames[v], d.err)
	}
	return r, nil
}

// isNil reports a nil interface or a typed nil pointer in one, which would
// make a value-receiver method call panic.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// Handshake announces the client's protocol version. It is optional: a
// broker with authentication on (the default) answers it with an Error.
type Handshake struct {
	ProtocolVersion uint32
	ClientID        string // at most MaxNameLen bytes
}

func (Handshake) requestVariant() uint32 { return reqHandshake }
func (r Handshake) encode(e *encoder) {
	e.u32(r.ProtocolVersion)
	e.name("client_id", r.ClientID)
}
func (r *Handshake) decode(d *decoder) {
	r.ProtocolVersion = d.u32("protocol_version")
	r.ClientID = d.name("client_id")
}

// Ping asks for a Pong; it is the one request an unauthenticated connection
// to an auth-on broker gets a real answer to.
type Ping struct{}

func (Ping) requestVariant() uint32 { return reqPing }
func (Ping) encode(*encoder)        {}
func (*Ping) decode(*decoder)       {}

// CreateTopic creates a topic on the node that receives it. Partitions nil
// means the broker's default (3 unless configured).
type CreateTopic struct {
	Name       string
	Partitions *uint32
}

func (CreateTopic) requestVariant() uint32 { return reqCreateTopic }
func (r CreateTopic) encode(e *encoder) {
	e.name("name", r.Name)
	e.optU32(r.Partitions)
}
func (r *CreateTopic) decode(d *decoder) {
	r.Name = d.name("name")
	r.Partitions = d.optU32("partitions")
}

// DeleteTopic deletes a topic (the broker keeps its data directory).
type DeleteTopic struct{ Name string }

func (DeleteTopic) requestVariant() uint32 { return reqDeleteTopic }
func (r DeleteTopic) encode(e *encoder)    { e.name("name", r.Name) }
func (r *DeleteTopic) decode(d *decoder)   { r.Name = d.name("name") }

// ListTopics asks for the names of the node's topics (unsorted).
type ListTopics struct{}

func (ListTopics) requestVariant() uint32 { return reqListTopics }
func (ListTopics) encode(*encoder)        {}
func (*ListTopics) decode(*decoder)       {}

// GetMetadata asks for one topic's partition count.
type GetMetadata struct{ Topic string }

func (GetMetadata) requestVariant() uint32 { return reqGetMetadata }
func (r GetMetadata) encode(e *encoder)    { e.name("topic", r.Topic) }
func (r *GetMetadata) decode(d *decoder)   { r.Topic = d.name("topic") }

// GetClusterMetadata asks for brokers and Raft-known topics; empty Topics
// means all.
type GetClusterMetadata struct{ Topics []string }

func (GetClusterMetadata) requestVariant() uint32 { return reqGetClusterMetadata }
func (r GetClusterMetadata) encode(e *encoder)    { encodeList(e, "topics", r.Topics, encName) }
func (r *GetClusterMetadata) decode(d *decoder)   { r.Topics = decodeList(d, "topics", decName) }

// CreatePartitions grows a topic to NewPartitionCount partitions. The
// broker ignores Assignments; send none.
type CreatePartitions struct {
	Topic             string
	NewPartitionCount uint32
	Assignments       [][]string
}

func (CreatePartitions) requestVariant() uint32 { return reqCreatePartitions }
func (r CreatePartitions) encode(e *encoder) {
	e.name("topic", r.Topic)
	e.u32(r.NewPartitionCount)
	encodeList(e, "assignments", r.Assignments, func(e *encoder, nodes []string) {
		encodeList(e, "", nodes, encStr)
	})
}
func (r *CreatePartitions) decode(d *decoder) {
	r.Topic = d.name("topic")
	r.NewPartitionCount = d.u32("new_partition_count")
	r.Assignments = decodeList(d, "assignments", func(d *decoder) []string {
		return decodeList(d, "", decStr)
	})
}

// AlterTopicConfig sets or resets topic config keys, in order and not
// atomically: entries before a rejected one stay applied.
type AlterTopicConfig struct {
	Topic   string
	Configs []TopicConfigEntry
}

// TopicConfigEntry is one change of AlterTopicConfig.
type TopicConfigEntry struct {
	Key   string
	Value *string // nil = reset to default
}

func (AlterTopicConfig) requestVariant() uint32 { return reqAlterTopicConfig }
func (r AlterTopicConfig) encode(e *encoder) {
	e.name("topic", r.Topic)
	encodeList(e, "configs", r.Configs, func(e *encoder, c TopicConfigEntry) {
		e.str("key", c.Key)
		e.optStr("value", c.Value)
	})
}
func (r *AlterTopicConfig) decode(d *decoder) {
	r.Topic = d.name("topic")
	r.Configs = decodeList(d, "configs", func(d *decoder) TopicConfigEntry {
		return TopicConfigEntry{Key: d.str("key"), Value: d.optStr("value")}
	})
}

// DescribeTopicConfigs asks for the config of the named topics. Empty Topics
// does not mean all topics, only those altered since the broker started.
type DescribeTopicConfigs struct{ Topics []string }

func (DescribeTopicConfigs) requestVariant() uint32 { return reqDescribeTopicConfigs }
func (r DescribeTopicConfigs) encode(e *encoder)    { encodeList(e, "topics", r.Topics, encName) }
func (r *DescribeTopicConfigs) decode(d *decoder)   { r.Topics = decodeList(d, "topics", decName) }

// ScramClientFirst carries the SCRAM-SHA-256 client-first message.
type ScramClientFirst struct{ Message []byte }

func (ScramClientFirst) requestVariant() uint32 { return reqScramClientFirst }
func (r ScramClientFirst) encode(e *encoder)    { e.authPayload("message", r.Message) }
func (r *ScramClientFirst) decode(d *decoder)   { r.Message = d.authPayload("message") }

// ScramClientFinal carries the SCRAM-SHA-256 client-final message.
type ScramClientFinal struct{ Message []byte }

func (ScramClientFinal) requestVariant() uint32 { return reqScramClientFinal }
func (r ScramClientFinal) encode(e *encoder)    { e.authPayload("message", r.Message) }
func (r *ScramClientFinal) decode(d *decoder)   { r.Message = d.authPayload("message") }

// authPayload is a byte string the broker limits to MaxAuthPayload bytes.
func (e *encoder) authPayload(field string, b []byte) {
	if len(b) > MaxAuthPayload {
		e.fail(field, "%d bytes, more than the protocol's %d", len(b), MaxAuthPayload)
		return
	}
	e.bytes(field, b)
}

func (d *decoder) authPayload(field string) []byte {
	b := d.bytes(field)
	if len(b) > MaxAuthPayload {
		d.fail(field, "%d bytes, more than the protocol's %d", len(b), MaxAuthPayload)
		return nil
	}
	return b
}
