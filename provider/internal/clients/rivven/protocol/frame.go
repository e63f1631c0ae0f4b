package protocol

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ProtocolVersion is rivven-protocol's PROTOCOL_VERSION, sent in Handshake.
const ProtocolVersion uint32 = 2

// MaxFrameSize is the most bytes a frame may hold after its length prefix
// (format byte, correlation id and payload): rivven-protocol's
// MAX_MESSAGE_SIZE, which both to_wire and the broker's reader enforce.
const MaxFrameSize = 10 << 20

// headerSize is the format byte plus the correlation id.
const headerSize = 5

// formatPostcard is the only wire format a release broker serves; protobuf
// (0x01) is behind a cargo feature that release builds leave off.
const formatPostcard = 0x00

// WriteFrame writes one frame in a single Write: the big-endian u32 length
// of what follows (5 + len(payload)), the postcard format byte, the
// big-endian correlation id and the payload.
func WriteFrame(w io.Writer, corr uint32, payload []byte) error {
	n := headerSize + len(payload)
	if n > MaxFrameSize {
		return fmt.Errorf("frame of %d bytes exceeds the protocol's %d", n, MaxFrameSize)
	}
	buf := make([]byte, 4+n)
	binary.BigEndian.PutUint32(buf, uint32(n))
	buf[4] = formatPostcard
	binary.BigEndian.PutUint32(buf[5:], corr)
	copy(buf[9:], payload)
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("writing frame: %w", err)
	}
	return nil
}

// ReadFrame reads one frame and returns its correlation id and payload. It
// refuses a length above max (MaxFrameSize when max <= 0) before reading the
// body, so a hostile or desynchronized peer cannot make it allocate more, and
// a length below the 5-byte header or a format other than postcard. A clean
// end of stream before the first byte is io.EOF.
func ReadFrame(r io.Reader, max int) (corr uint32, payload []byte, err error) {
	if max <= 0 {
		max = MaxFrameSize
	}
	var prefix [4]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		return 0, nil, fmt.Errorf("reading frame length: %w", err)
	}
	n := binary.BigEndian.Uint32(prefix[:])
	if uint64(n) > uint64(max) {
		return 0, nil, fmt.Errorf("frame length %d exceeds the limit of %d", n, max)
	}
	if n < headerSize {
		return 0, nil, fmt.Errorf("frame length %d is shorter than the %d-byte header", n, headerSize)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return 0, nil, fmt.Errorf("reading %d-byte frame: %w", n, err)
	}
	if body[0] != formatPostcard {
		return 0, nil, fmt.Errorf("frame format 0x%02x is not postcard (0x00)", body[0])
	}
	return binary.BigEndian.Uint32(body[1:5]), body[headerSize:], nil
}
