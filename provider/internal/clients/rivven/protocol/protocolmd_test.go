package protocol

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// TestProtocolMDExamples holds the worked examples of the project's notes
// (/work/shared/rivven/PROTOCOL.md §2.5), hex copied as printed there, against
// the Go codec and, where the generator has the same case, against the
// crate's bytes. Every example agrees with the crate.
func TestProtocolMDExamples(t *testing.T) {
	vectors := map[string][]byte{}
	for _, f := range loadVectors(t).Frames {
		vectors[f.Direction+"/"+f.Name] = unhex(t, f.Frame)
	}
	cases := []struct {
		name   string
		corr   uint32
		value  any
		hex    string // a full frame, or only the payload when frame is false
		frame  bool
		vector string // the vector of the same case, if any
	}{
		{"handshake", 0, Handshake{ProtocolVersion: 2, ClientID: "x"},
			"00 00 00 09 | 00 | 00 00 00 00 | 21 02 01 78", true, "request/protocol-md/handshake-x"},
		{"create-topic", 1, CreateTopic{Name: "orders", Partitions: ptr[uint32](12)},
			"00 00 00 0f | 00 | 00 00 00 01 | 06 06 6f 72 64 65 72 73 01 0c", true, "request/protocol-md/create-topic-12"},
		{"create-topic-none", 1, CreateTopic{Name: "orders"},
			"00 00 00 0e 00 00 00 00 01 06 06 6f 72 64 65 72 73 00", true, "request/protocol-md/create-topic-none"},
		{"list-topics", 2, ListTopics{}, "00 00 00 06 00 00 00 00 02 07", true, "request/protocol-md/list-topics"},
		{"ping", 300, Ping{}, "00 00 00 06 00 00 00 01 2c 0d", true, "request/protocol-md/ping"},
		{"alter-topic-config", 5, AlterTopicConfig{Topic: "orders", Configs: []TopicConfigEntry{
			{Key: "retention.ms", Value: ptr("86400000")}, {Key: "cleanup.policy"},
		}}, "00 00 00 35 00 00 00 00 05 1d 06 6f 72 64 65 72 73 02 " +
			"0c 72 65 74 65 6e 74 69 6f 6e 2e 6d 73 01 08 38 36 34 30 30 30 30 30 " +
			"0e 63 6c 65 61 6e 75 70 2e 70 6f 6c 69 63 79 00", true, "request/protocol-md/alter-topic-config"},
		{"create-partitions", 6, CreatePartitions{Topic: "orders", NewPartitionCount: 24},
			"00 00 00 0f 00 00 00 00 06 1e 06 6f 72 64 65 72 73 18 00", true, "request/protocol-md/create-partitions"},
		{"describe-topic-configs", 4, DescribeTopicConfigs{Topics: []string{"orders"}},
			"00 00 00 0e 00 00 00 00 04 20 01 06 6f 72 64 65 72 73", true, "request/protocol-md/describe-topic-configs"},
		{"get-cluster-metadata", 7, GetClusterMetadata{},
			"00 00 00 07 00 00 00 00 07 0c 00", true, "request/protocol-md/get-cluster-metadata"},
		{"topic-created", 1, TopicCreated{Name: "orders", Partitions: 12},
			"00 00 00 0e 00 00 00 00 01 05 06 6f 72 64 65 72 73 0c", true, "response/protocol-md/topic-created"},
		{"handshake-result", 0, HandshakeResult{ServerVersion: 2, Compatible: true, Message: "OK"},
			"00 00 00 0b 00 00 00 00 00 23 02 01 02 4f 4b", true, "response/protocol-md/handshake-result"},
		{"error", 1, ErrorResponse{Message: "Topic 'orders' already exists"},
			"00 00 00 24 00 00 00 00 01 12 1d 54 6f 70 69 63 20 27 6f 72 64 65 72 73 27 20 61 6c 72 65 61 64 79 20 65 78 69 73 74 73",
			true, "response/protocol-md/error"},
		{"topic-deleted", 3, TopicDeleted{}, "00 00 00 06 00 00 00 00 03 07", true, "response/protocol-md/topic-deleted"},
		{"topics", 2, Topics{Topics: []string{"orders"}},
			"00 00 00 0e 00 00 00 00 02 06 01 06 6f 72 64 65 72 73", true, "response/protocol-md/topics"},
		{"topic-config-altered", 0, TopicConfigAltered{Topic: "orders", ChangedCount: 2},
			"1f 06 6f7264657273 02", false, ""},
		{"partitions-created", 0, PartitionsCreated{Topic: "orders", NewPartitionCount: 24},
			"20 06 6f7264657273 18", false, ""},
		{"cluster-metadata", 0, ClusterMetadata{
			ControllerID: ptr("n1"),
			Brokers:      []BrokerInfo{{NodeID: "n1", Host: "0.0.0.0", Port: 9092}},
		}, "0b 01 02 6e31 01 02 6e31 07 302e302e302e30 84 47 00 00", false, ""},
		{"topic-configs-described", 0, TopicConfigsDescribed{Configs: []TopicConfigDescription{{
			Topic: "orders", Configs: map[string]TopicConfigValue{"cleanup.policy": {Value: "compact"}},
		}}}, "22 01 06 6f7264657273 01 0e 636c65616e75702e706f6c696379 07 636f6d70616374 00 00 00", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := unhex(t, strings.ReplaceAll(tc.hex, "|", ""))
			var got []byte
			if tc.frame {
				got = encodeFrame(t, tc.corr, tc.value)
			} else {
				var err error
				if r, ok := tc.value.(Response); ok {
					got, err = MarshalResponse(r)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(got, want) {
				t.Errorf("PROTOCOL.md and Go differ\n  go: %x\n doc: %x", got, want)
			}
			if tc.vector != "" {
				crate, ok := vectors[tc.vector]
				if !ok {
					t.Fatalf("no vector %s", tc.vector)
				}
				if !bytes.Equal(crate, want) {
					t.Errorf("PROTOCOL.md and the crate differ\ncrate: %x\n  doc: %x", crate, want)
				}
			}
		})
	}

	// "Other varints for reference: 604800000 → 80 88 b2 a0 02."
	if got := binary.AppendUvarint(nil, 604800000); !bytes.Equal(got, unhex(t, "80 88 b2 a0 02")) {
		t.Errorf("varint 604800000: got %x", got)
	}
	d := &decoder{buf: unhex(t, "80 88 b2 a0 02")}
	if got := d.u32("v"); d.err != nil || got != 604800000 {
		t.Errorf("decoding 80 88 b2 a0 02: %d, %v", got, d.err)
	}
}
