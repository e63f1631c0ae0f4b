package protocol

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// seed adds the payload of every vector of one direction, and every decode
// case, to a fuzz corpus.
func seed(f *testing.F, direction string) {
	v := loadVectors(f)
	for _, fr := range v.Frames {
		if fr.Direction == direction {
			f.Add(unhex(f, fr.Frame)[4+headerSize:])
		}
	}
	for _, c := range v.DecodeCases {
		if c.Direction == direction {
			f.Add(unhex(f, c.Payload))
		}
	}
}

// FuzzUnmarshalResponse: no input panics the decoder, and whatever decodes
// re-encodes and decodes to the same value.
func FuzzUnmarshalResponse(f *testing.F) {
	seed(f, "response")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := UnmarshalResponse(b)
		if err != nil {
			return
		}
		again, err := MarshalResponse(r)
		if err != nil {
			t.Fatalf("decoded %#v from %x but cannot encode it: %v", r, b, err)
		}
		r2, err := UnmarshalResponse(again)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", again, err)
		}
		if diff := cmp.Diff(r, r2); diff != "" {
			t.Fatalf("round trip of %x changed the value (-first +second):\n%s", b, diff)
		}
	})
}

// FuzzUnmarshalRequest is FuzzUnmarshalResponse for requests.
func FuzzUnmarshalRequest(f *testing.F) {
	seed(f, "request")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := UnmarshalRequest(b)
		if err != nil {
			return
		}
		again, err := MarshalRequest(r)
		if err != nil {
			t.Fatalf("decoded %#v from %x but cannot encode it: %v", r, b, err)
		}
		r2, err := UnmarshalRequest(again)
		if err != nil {
			t.Fatalf("re-encoded %x does not decode: %v", again, err)
		}
		if diff := cmp.Diff(r, r2); diff != "" {
			t.Fatalf("round trip of %x changed the value (-first +second):\n%s", b, diff)
		}
	})
}

// FuzzReadFrame: no input panics the frame reader, and a frame it accepts
// is exactly the start of the input and is written back byte for byte.
func FuzzReadFrame(f *testing.F) {
	for _, fr := range loadVectors(f).Frames {
		f.Add(unhex(f, fr.Frame))
	}
	f.Add([]byte{0, 0, 0, 4, 0, 0, 0, 0})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		const limit = 1 << 16
		corr, payload, err := ReadFrame(bytes.NewReader(b), limit)
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteFrame(&out, corr, payload); err != nil {
			t.Fatalf("cannot write back frame %d/%x: %v", corr, payload, err)
		}
		if !bytes.HasPrefix(b, out.Bytes()) {
			t.Fatalf("read %d/%x from %x, which writes back as %x", corr, payload, b, out.Bytes())
		}
	})
}
