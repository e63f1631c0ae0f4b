package protocol

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// vectorFile is testdata/vectors.json, written by hack/rivven/vectors with
// the real rivven-protocol crate (make rivven-vectors).
type vectorFile struct {
	Generator struct {
		CrateVersion string `json:"crate_version"`
		SHA256       []struct {
			Path   string `json:"path"`
			SHA256 string `json:"sha256"`
		} `json:"sha256"`
	} `json:"generator"`
	Frames []struct {
		Name          string `json:"name"`
		Direction     string `json:"direction"`
		CorrelationID uint32 `json:"correlation_id"`
		Frame         string `json:"frame"`
	} `json:"frames"`
	DecodeCases []struct {
		Name         string `json:"name"`
		Direction    string `json:"direction"`
		Payload      string `json:"payload"`
		CrateAccepts bool   `json:"crate_accepts"`
		CrateError   string `json:"crate_error"`
	} `json:"decode_cases"`
}

const generatorDir = "../../../../../hack/rivven/vectors"

func loadVectors(t testing.TB) vectorFile {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatalf("reading the test vectors (make rivven-vectors writes them): %v", err)
	}
	var v vectorFile
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("parsing testdata/vectors.json: %v", err)
	}
	if len(v.Frames) == 0 {
		t.Fatal("testdata/vectors.json has no frames")
	}
	return v
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.Join(strings.Fields(s), ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func ptr[T any](v T) *T { return &v }

// requestCases and responseCases hold, for every vector of that direction,
// the Go value it must encode from and decode to. They are written from
// each case's meaning in hack/rivven/vectors/src/main.rs, never derived from
// the bytes: a vector with no entry here, or an entry with no vector, fails.
var requestCases = map[string]Request{
	"handshake/provider":            &Handshake{ProtocolVersion: 2, ClientID: "provider-rivven"},
	"handshake/empty-client-id":     &Handshake{ProtocolVersion: 1, ClientID: ""},
	"handshake/max-version-unicode": &Handshake{ProtocolVersion: 1<<32 - 1, ClientID: "prövider-ü-🦀"},
	"ping":                          &Ping{},
	"list-topics":                   &ListTopics{},

	"create-topic/partitions":         &CreateTopic{Name: "orders", Partitions: ptr[uint32](12)},
	"create-topic/default-partitions": &CreateTopic{Name: "orders"},
	"create-topic/partitions-127":     &CreateTopic{Name: "a", Partitions: ptr[uint32](127)},
	"create-topic/partitions-128":     &CreateTopic{Name: "a", Partitions: ptr[uint32](128)},
	"create-topic/partitions-max-u32": &CreateTopic{Name: "a", Partitions: ptr[uint32](1<<32 - 1)},
	"create-topic/partitions-zero":    &CreateTopic{Name: "a", Partitions: ptr[uint32](0)},
	"create-topic/unicode-name":       &CreateTopic{Name: "заказы.ü-🦀", Partitions: ptr[uint32](1)},
	"create-topic/name-256-bytes":     &CreateTopic{Name: strings.Repeat("n", 256), Partitions: ptr[uint32](3)},
	"create-topic/empty-name":         &CreateTopic{Name: ""},

	"delete-topic":               &DeleteTopic{Name: "orders"},
	"get-metadata":               &GetMetadata{Topic: "orders"},
	"get-cluster-metadata/all":   &GetClusterMetadata{},
	"get-cluster-metadata/named": &GetClusterMetadata{Topics: []string{"orders", "payments"}},

	"create-partitions/grow": &CreatePartitions{Topic: "orders", NewPartitionCount: 24},
	"create-partitions/assignments": &CreatePartitions{
		Topic: "orders", NewPartitionCount: 300,
		Assignments: [][]string{{"n1", "n2"}, nil, {"n3"}},
	},

	"alter-topic-config/set-and-reset": &AlterTopicConfig{Topic: "orders", Configs: []TopicConfigEntry{
		{Key: "retention.ms", Value: ptr("604800000")},
		{Key: "cleanup.policy"},
		{Key: "compression.type", Value: ptr("")},
	}},
	"alter-topic-config/empty": &AlterTopicConfig{Topic: "orders"},

	"describe-topic-configs/one":   &DescribeTopicConfigs{Topics: []string{"orders"}},
	"describe-topic-configs/none":  &DescribeTopicConfigs{},
	"describe-topic-configs/three": &DescribeTopicConfigs{Topics: []string{"a", "b.c", "ü"}},

	"scram-client-first":       &ScramClientFirst{Message: []byte("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL")},
	"scram-client-first/empty": &ScramClientFirst{},
	"scram-client-final": &ScramClientFinal{
		Message: []byte("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="),
	},
	"scram-client-final/binary-256": &ScramClientFinal{Message: allBytes()},

	"protocol-md/handshake-x":       &Handshake{ProtocolVersion: 2, ClientID: "x"},
	"protocol-md/create-topic-12":   &CreateTopic{Name: "orders", Partitions: ptr[uint32](12)},
	"protocol-md/create-topic-none": &CreateTopic{Name: "orders"},
	"protocol-md/list-topics":       &ListTopics{},
	"protocol-md/ping":              &Ping{},
	"protocol-md/alter-topic-config": &AlterTopicConfig{Topic: "orders", Configs: []TopicConfigEntry{
		{Key: "retention.ms", Value: ptr("86400000")},
		{Key: "cleanup.policy"},
	}},
	"protocol-md/create-partitions":      &CreatePartitions{Topic: "orders", NewPartitionCount: 24},
	"protocol-md/describe-topic-configs": &DescribeTopicConfigs{Topics: []string{"orders"}},
	"protocol-md/get-cluster-metadata":   &GetClusterMetadata{},
}

const sessionID = "3f8a0c6e9b1d4e2f8a7c6b5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"

func defaults(v string) TopicConfigValue { return TopicConfigValue{Value: v, IsDefault: true} }

var responseCases = map[string]Response{
	"authenticated":            &Authenticated{SessionID: sessionID, ExpiresIn: 3600},
	"authenticated/max-expiry": &Authenticated{ExpiresIn: 1<<64 - 1},
	"scram-server-first": &ScramServerFirst{
		Message: []byte("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=600000"),
	},
	"scram-server-final/success": &ScramServerFinal{
		Message:   []byte("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
		SessionID: ptr(sessionID), ExpiresIn: ptr[uint64](3600),
	},
	"scram-server-final/failure":                &ScramServerFinal{Message: []byte("e=Authentication failed")},
	"scram-server-final/session-without-expiry": &ScramServerFinal{Message: []byte("v=x"), SessionID: ptr("s")},

	"topic-created":         &TopicCreated{Name: "orders", Partitions: 12},
	"topic-created/max-u32": &TopicCreated{Name: "a", Partitions: 1<<32 - 1},
	"topics/empty":          &Topics{},
	"topics/three":          &Topics{Topics: []string{"payments", "orders", "заказы"}},
	"topic-deleted":         &TopicDeleted{},
	"metadata":              &Metadata{Name: "orders", Partitions: 3},

	"cluster-metadata/standalone": &ClusterMetadata{
		ControllerID: ptr("rivven-0-9093"),
		Brokers:      []BrokerInfo{{NodeID: "rivven-0-9093", Host: "0.0.0.0", Port: 9092}},
	},
	"cluster-metadata/full": &ClusterMetadata{
		Brokers: []BrokerInfo{
			{NodeID: "n1", Host: "10.0.0.1", Port: 65535, Rack: ptr("rack-a")},
			{NodeID: "n2", Host: "rivven-1.rivven-headless", Port: 0},
		},
		Topics: []TopicMetadata{
			{Name: "orders", Partitions: []PartitionMetadata{
				{Partition: 0, Leader: ptr("n1"), Replicas: []string{"n1", "n2"}, ISR: []string{"n1"}},
				{Partition: 200, Offline: true},
			}},
			{Name: "__consumer_offsets", IsInternal: true},
		},
	},
	"pong": &Pong{},
	"ok":   &Ok{},

	"error/already-exists": &ErrorResponse{Message: "Topic 'orders' already exists"},
	"error/empty":          &ErrorResponse{},
	"error/parse-failure-corr-0": &ErrorResponse{
		Message: "INVALID_REQUEST: Invalid message format: topic exceeds max length (300 > 256)",
	},
	"error/unicode": &ErrorResponse{
		Message: "INVALID_TOPIC_NAME: Invalid topic name 'ü 🦀': must start with alphanumeric",
	},
	"throttled":     &Throttled{ThrottleTimeMs: 1500, QuotaType: "request_rate", Entity: "user:alice"},
	"throttled/max": &Throttled{ThrottleTimeMs: 1<<64 - 1},

	"topic-config-altered":           &TopicConfigAltered{Topic: "orders", ChangedCount: 2},
	"topic-config-altered/max-usize": &TopicConfigAltered{Topic: "orders", ChangedCount: 1<<64 - 1},
	"partitions-created":             &PartitionsCreated{Topic: "orders", NewPartitionCount: 24},

	"topic-configs-described/empty": &TopicConfigsDescribed{},
	"topic-configs-described/one-key": &TopicConfigsDescribed{Configs: []TopicConfigDescription{{
		Topic:   "orders",
		Configs: map[string]TopicConfigValue{"cleanup.policy": {Value: "compact"}},
	}}},
	"topic-configs-described/flags": &TopicConfigsDescribed{Configs: []TopicConfigDescription{
		{Topic: "orders", Configs: map[string]TopicConfigValue{
			"a.read-only": {Value: "x", IsReadOnly: true},
			"b.sensitive": {Value: "", IsSensitive: true},
			"c.all":       {Value: "ü", IsDefault: true, IsReadOnly: true, IsSensitive: true},
		}},
		{Topic: "empty"},
	}},
	"topic-configs-described/all-defaults": &TopicConfigsDescribed{Configs: []TopicConfigDescription{{
		Topic: "orders",
		Configs: map[string]TopicConfigValue{
			"cleanup.policy":      defaults("delete"),
			"compression.type":    defaults("producer"),
			"max.message.bytes":   defaults("1048576"),
			"min.insync.replicas": defaults("1"),
			"retention.bytes":     defaults("-1"),
			"retention.ms":        defaults("604800000"),
			"segment.bytes":       defaults("1073741824"),
			"segment.ms":          defaults("604800000"),
		},
	}}},

	"handshake-result/compatible": &HandshakeResult{ServerVersion: 2, Compatible: true, Message: "OK"},
	"handshake-result/mismatch": &HandshakeResult{
		ServerVersion: 2, Message: "Version mismatch: client=1, server=2",
	},

	"protocol-md/topic-created":    &TopicCreated{Name: "orders", Partitions: 12},
	"protocol-md/handshake-result": &HandshakeResult{ServerVersion: 2, Compatible: true, Message: "OK"},
	"protocol-md/error":            &ErrorResponse{Message: "Topic 'orders' already exists"},
	"protocol-md/topic-deleted":    &TopicDeleted{},
	"protocol-md/topics":           &Topics{Topics: []string{"orders"}},
}

func allBytes() []byte {
	b := make([]byte, 256)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// encodeFrame is what a Conn writes for a request or a fake broker for a
// response.
func encodeFrame(t *testing.T, corr uint32, v any) []byte {
	t.Helper()
	var payload []byte
	var err error
	switch m := v.(type) {
	case Request:
		payload, err = MarshalRequest(m)
	case Response:
		payload, err = MarshalResponse(m)
	}
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var buf bytes.Buffer
	if err := WriteFrame(&buf, corr, payload); err != nil {
		t.Fatalf("WriteFrame: %v", err)
	}
	return buf.Bytes()
}

// TestVectors holds every Go value against the crate's bytes both ways: Go
// encodes it to exactly the vector, and the vector decodes to exactly it.
// Maps compare byte for byte too: the generator emits multi-entry maps in
// sorted key order, which is the order MarshalResponse writes.
func TestVectors(t *testing.T) {
	v := loadVectors(t)
	for _, f := range v.Frames {
		t.Run(f.Direction+"/"+f.Name, func(t *testing.T) {
			want := unhex(t, f.Frame)
			var value any
			var ok bool
			switch f.Direction {
			case "request":
				value, ok = requestCases[f.Name]
			case "response":
				value, ok = responseCases[f.Name]
			default:
				t.Fatalf("unknown direction %q", f.Direction)
			}
			if !ok {
				t.Fatalf("vector %q has no Go %s case: add one to %sCases", f.Name, f.Direction, f.Direction)
			}

			if got := encodeFrame(t, f.CorrelationID, value); !bytes.Equal(got, want) {
				t.Errorf("Go encoding differs from the crate's\n got: %x\nwant: %x", got, want)
			}

			corr, payload, err := ReadFrame(bytes.NewReader(want), MaxFrameSize)
			if err != nil {
				t.Fatalf("ReadFrame: %v", err)
			}
			if corr != f.CorrelationID {
				t.Errorf("correlation id: got %d, want %d", corr, f.CorrelationID)
			}
			var decoded any
			if f.Direction == "request" {
				decoded, err = UnmarshalRequest(payload)
			} else {
				decoded, err = UnmarshalResponse(payload)
			}
			if err != nil {
				t.Fatalf("decoding the crate's bytes: %v", err)
			}
			if diff := cmp.Diff(value, decoded); diff != "" {
				t.Errorf("decoded value differs (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVectorsCoverCases fails for a Go case without a vector: every value
// of the tables must be proven against the crate.
func TestVectorsCoverCases(t *testing.T) {
	seen := map[string]bool{}
	for _, f := range loadVectors(t).Frames {
		seen[f.Direction+"/"+f.Name] = true
	}
	for name := range requestCases {
		if !seen["request/"+name] {
			t.Errorf("Go request case %q has no vector: add it to hack/rivven/vectors and run make rivven-vectors", name)
		}
	}
	for name := range responseCases {
		if !seen["response/"+name] {
			t.Errorf("Go response case %q has no vector: add it to hack/rivven/vectors and run make rivven-vectors", name)
		}
	}
}

// TestDecodeCasesMatchCrate checks the decoder accepts exactly the
// hand-made payloads the crate accepts: varint limits, bool and option tags,
// UTF-8, name and list limits, trailing bytes.
func TestDecodeCasesMatchCrate(t *testing.T) {
	v := loadVectors(t)
	if len(v.DecodeCases) == 0 {
		t.Fatal("testdata/vectors.json has no decode cases")
	}
	for _, c := range v.DecodeCases {
		t.Run(c.Direction+"/"+c.Name, func(t *testing.T) {
			payload := unhex(t, c.Payload)
			var err error
			if c.Direction == "request" {
				_, err = UnmarshalRequest(payload)
			} else {
				_, err = UnmarshalResponse(payload)
			}
			switch {
			case c.CrateAccepts && err != nil:
				t.Errorf("the crate accepts this payload, Go refuses it: %v", err)
			case !c.CrateAccepts && err == nil:
				t.Errorf("the crate refuses this payload (%s), Go accepts it", c.CrateError)
			}
		})
	}
}

// TestVectorsUpToDate fails when the generator changed after the vectors
// were written, so an edited case cannot go unnoticed.
func TestVectorsUpToDate(t *testing.T) {
	v := loadVectors(t)
	if v.Generator.CrateVersion != "rivven-protocol 0.0.22" {
		t.Errorf("vectors were made with %q, want rivven-protocol 0.0.22", v.Generator.CrateVersion)
	}
	want := map[string]bool{"Cargo.toml": true, "Cargo.lock": true, "src/main.rs": true}
	for _, f := range v.Generator.SHA256 {
		if !want[f.Path] {
			t.Errorf("unexpected generator file %q in testdata/vectors.json", f.Path)
			continue
		}
		delete(want, f.Path)
		b, err := os.ReadFile(filepath.Join(generatorDir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("reading the generator: %v", err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f.SHA256 {
			t.Errorf("hack/rivven/vectors/%s changed since testdata/vectors.json was generated: run `make rivven-vectors`", f.Path)
		}
	}
	for p := range want {
		t.Errorf("testdata/vectors.json records no hash of hack/rivven/vectors/%s: run `make rivven-vectors`", p)
	}
}
