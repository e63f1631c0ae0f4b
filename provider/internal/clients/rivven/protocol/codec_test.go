package protocol

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMarshalRequestRefusesWhatTheBrokerRefuses(t *testing.T) {
	many := make([]string, MaxListLen+1)
	cases := map[string]struct {
		r    Request
		want string
	}{
		"name over 256 bytes":     {CreateTopic{Name: strings.Repeat("a", 257)}, "encoding CreateTopic: name: 257 bytes, more than the protocol's 256"},
		"client id over 256":      {Handshake{ClientID: strings.Repeat("c", 257)}, "client_id: 257 bytes"},
		"invalid UTF-8":           {DeleteTopic{Name: "a\xffb"}, "encoding DeleteTopic: name: not valid UTF-8"},
		"list over 10000":         {DescribeTopicConfigs{Topics: many}, "topics: 10001 entries, more than the protocol's 10000"},
		"long name inside a list": {GetClusterMetadata{Topics: []string{"ok", strings.Repeat("x", 300)}}, "topics[1]: 300 bytes"},
		"nested list element":     {CreatePartitions{Topic: "t", Assignments: [][]string{nil, {"n1", "\xff"}}}, "assignments[1][1]: not valid UTF-8"},
		"config key not UTF-8":    {AlterTopicConfig{Topic: "t", Configs: []TopicConfigEntry{{Key: "k"}, {Key: "\xfe"}}}, "configs[1].key: not valid UTF-8"},
		"SCRAM over 64 KiB":       {ScramClientFirst{Message: make([]byte, MaxAuthPayload+1)}, "message: 65537 bytes"},
		"nil":                     {nil, "nil"},
		"typed nil":               {(*Ping)(nil), "nil *protocol.Ping"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := MarshalRequest(tc.r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("MarshalRequest: got error %v, want one containing %q", err, tc.want)
			}
		})
	}
	// The limits themselves are allowed.
	if _, err := MarshalRequest(CreateTopic{Name: strings.Repeat("a", MaxNameLen)}); err != nil {
		t.Errorf("256-byte name: %v", err)
	}
	if _, err := MarshalRequest(DescribeTopicConfigs{Topics: make([]string, MaxListLen)}); err != nil {
		t.Errorf("10000 topics: %v", err)
	}
}

func TestValuesAndPointersEncodeAlike(t *testing.T) {
	a, err := MarshalRequest(CreateTopic{Name: "x", Partitions: ptr[uint32](3)})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalRequest(&CreateTopic{Name: "x", Partitions: ptr[uint32](3)})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("value %x, pointer %x", a, b)
	}
}

func TestUnmarshalNamesTheVariant(t *testing.T) {
	cases := []struct {
		name    string
		payload []byte
		resp    bool
		want    string
	}{
		{"request Publish", []byte{4}, false, "unsupported request variant 4 (Publish)"},
		{"request past the enum", []byte{40}, false, "unknown request variant 40"},
		{"response Messages", []byte{4}, true, "unsupported response variant 4 (Messages)"},
		{"response RecordsDeleted", []byte{33}, true, "unsupported response variant 33 (RecordsDeleted)"},
		{"response past the enum", []byte{42}, true, "unknown response variant 42"},
		{"empty", nil, true, "decoding response: variant: unexpected end of input"},
		{"nested field", unhexs("0b 00 01 00 00 84 47 02"), true, "decoding ClusterMetadata: brokers[0].rack: option tag 0x02"},
		{"deep field", unhexs("0b 00 00 01 00 00 01 00 00 00 00 05"), true, "topics[0].partitions[0].offline: bool byte 0x05"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.resp {
				_, err = UnmarshalResponse(tc.payload)
			} else {
				_, err = UnmarshalRequest(tc.payload)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func unhexs(s string) []byte {
	var out []byte
	for _, f := range strings.Fields(s) {
		var b byte
		for _, c := range f {
			b <<= 4
			switch {
			case c >= '0' && c <= '9':
				b |= byte(c - '0')
			default:
				b |= byte(c-'a') + 10
			}
		}
		out = append(out, b)
	}
	return out
}

func TestDuplicateMapKeyLastWins(t *testing.T) {
	// The decode case map/duplicate-key of the vectors, which the crate accepts.
	got, err := UnmarshalResponse(unhexs("22 01 01 61 02 01 6b 01 31 00 00 00 01 6b 01 32 01 00 00"))
	if err != nil {
		t.Fatal(err)
	}
	want := &TopicConfigsDescribed{Configs: []TopicConfigDescription{{
		Topic: "a", Configs: map[string]TopicConfigValue{"k": {Value: "2", IsDefault: true}},
	}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestDecodedBytesDoNotAliasTheInput(t *testing.T) {
	payload := unhexs("01 02 61 62")
	got, err := UnmarshalResponse(payload)
	if err != nil {
		t.Fatal(err)
	}
	payload[2] = 'z'
	if m := got.(*ScramServerFirst).Message; string(m) != "ab" {
		t.Errorf("message changed with the input: %q", m)
	}
}

func TestHugeCountsFailBeforeAllocating(t *testing.T) {
	// A count of 10,000 with nothing behind it, and a string length of 2^63.
	for _, p := range [][]byte{
		unhexs("06 90 4e"),
		unhexs("12 80 80 80 80 80 80 80 80 80 01"),
		unhexs("22 01 00 90 4e"),
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range 100 {
			_, _ = UnmarshalResponse(p)
		}
		runtime.ReadMemStats(&after)
		if perRun := (after.TotalAlloc - before.TotalAlloc) / 100; perRun > 4<<10 {
			t.Errorf("%x: %d bytes allocated per decode", p, perRun)
		}
		if _, err := UnmarshalResponse(p); err == nil {
			t.Errorf("%x decoded", p)
		}
	}
}

func TestErrorTypes(t *testing.T) {
	var err error = &ErrorResponse{Message: "Topic 'x' already exists"}
	var e *ErrorResponse
	if !errors.As(err, &e) || e.Message != "Topic 'x' already exists" {
		t.Errorf("errors.As: %v", e)
	}
	if got, want := err.Error(), "rivven broker: Topic 'x' already exists"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	th := &Throttled{ThrottleTimeMs: 1500, QuotaType: "request_rate", Entity: "user:a"}
	if th.RetryAfter().Milliseconds() != 1500 {
		t.Errorf("RetryAfter = %v", th.RetryAfter())
	}
	if (&Throttled{ThrottleTimeMs: 1<<64 - 1}).RetryAfter() <= 0 {
		t.Error("RetryAfter overflowed")
	}
	if !strings.Contains(th.Error(), "request_rate") {
		t.Errorf("Error() = %q", th.Error())
	}
}

func TestFrames(t *testing.T) {
	frame := func(s string) io.Reader { return bytes.NewReader(unhexs(s)) }
	cases := map[string]struct {
		in      io.Reader
		max     int
		want    string
		corr    uint32
		payload []byte
	}{
		"ok":            {in: frame("00 00 00 06 00 00 00 01 2c 0d"), corr: 300, payload: []byte{0x0d}},
		"empty payload": {in: frame("00 00 00 05 00 00 00 00 07"), corr: 7, payload: []byte{}},
		"too long":      {in: frame("00 a0 00 01 00"), want: "frame length 10485761 exceeds the limit of 10485760"},
		"over max":      {in: frame("00 00 00 07 00 00 00 00 01 0d 0d"), max: 6, want: "exceeds the limit of 6"},
		"too short":     {in: frame("00 00 00 04 00 00 00 00"), want: "shorter than the 5-byte header"},
		"protobuf":      {in: frame("00 00 00 06 01 00 00 00 01 0d"), want: "frame format 0x01 is not postcard"},
		"truncated":     {in: frame("00 00 00 06 00 00 00"), want: "unexpected EOF"},
		"short prefix":  {in: frame("00 00"), want: "reading frame length: unexpected EOF"},
		"clean EOF":     {in: frame(""), want: "EOF"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			corr, payload, err := ReadFrame(tc.in, tc.max)
			if tc.want != "" {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("got error %v, want one containing %q", err, tc.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if corr != tc.corr || !bytes.Equal(payload, tc.payload) {
				t.Errorf("got %d %x, want %d %x", corr, payload, tc.corr, tc.payload)
			}
		})
	}
	if _, _, err := ReadFrame(frame(""), 0); err != io.EOF {
		t.Errorf("clean EOF is %v, want io.EOF", err)
	}
	if err := WriteFrame(io.Discard, 1, make([]byte, MaxFrameSize-4)); err == nil {
		t.Error("WriteFrame took a frame over MaxFrameSize")
	}
	if err := WriteFrame(io.Discard, 1, make([]byte, MaxFrameSize-5)); err != nil {
		t.Errorf("WriteFrame refused a frame of exactly MaxFrameSize: %v", err)
	}
}
