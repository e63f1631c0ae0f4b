package protocol

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// Limits of rivven-protocol 0.0.22. The broker checks names, lists and
// authentication payloads after decoding a request and answers a violation
// with an Error under correlation id 0, which a Conn cannot pair with its
// request; the encoder therefore refuses such requests before they are sent.
const (
	// MaxListLen is the longest list (or map) either side accepts.
	MaxListLen = 10_000
	// MaxNameLen is the longest topic name or client id, in bytes.
	MaxNameLen = 256
	// MaxAuthPayload is the longest SCRAM message, in bytes.
	MaxAuthPayload = 64 << 10
)

// fieldError names the field that failed to encode or decode as a path
// such as topics[1].partitions[0].leader. Element encoders and decoders name
// only their own fields; the list around them prefixes the index on the way
// out, so the path is built only when something failed.
type fieldError struct {
	path string
	msg  string
}

func (e *fieldError) Error() string {
	if e.path == "" {
		return e.msg
	}
	return e.path + ": " + e.msg
}

// within prefixes err's path with the list element it happened in.
func within(err error, field string, i int) error {
	fe, ok := err.(*fieldError)
	if !ok {
		return err
	}
	prefix := fmt.Sprintf("%s[%d]", field, i)
	switch {
	case fe.path == "":
		fe.path = prefix
	case fe.path[0] == '[':
		fe.path = prefix + fe.path
	default:
		fe.path = prefix + "." + fe.path
	}
	return fe
}

// encoder appends postcard values to a buffer. The first invalid value
// (a string that is not UTF-8, a list longer than MaxListLen) is kept as the
// error and everything after it is ignored, so message encoders read as a
// plain list of fields and check the error once.
type encoder struct {
	buf []byte
	err error
}

func (e *encoder) fail(field, format string, args ...any) {
	if e.err == nil {
		e.err = &fieldError{path: field, msg: fmt.Sprintf(format, args...)}
	}
}

// varint writes an unsigned LEB128 varint, postcard's encoding of every
// integer wider than a byte (u16, u32, u64 and usize alike).
func (e *encoder) varint(v uint64) {
	e.buf = binary.AppendUvarint(e.buf, v)
}

func (e *encoder) u16(v uint16) { e.varint(uint64(v)) }
func (e *encoder) u32(v uint32) { e.varint(uint64(v)) }
func (e *encoder) u64(v uint64) { e.varint(v) }

func (e *encoder) boolean(v bool) {
	if v {
		e.buf = append(e.buf, 1)
		return
	}
	e.buf = append(e.buf, 0)
}

// str writes a Rust String. Rust strings are UTF-8 and the peer refuses
// anything else, so an invalid Go string is an error here.
func (e *encoder) str(field, s string) {
	if !utf8.ValidString(s) {
		e.fail(field, "not valid UTF-8")
		return
	}
	e.varint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// name is a string the broker limits to MaxNameLen bytes.
func (e *encoder) name(field, s string) {
	if len(s) > MaxNameLen {
		e.fail(field, "%d bytes, more than the protocol's %d", len(s), MaxNameLen)
		return
	}
	e.str(field, s)
}

func (e *encoder) bytes(field string, b []byte) {
	if len(b) > MaxFrameSize {
		e.fail(field, "%d bytes, more than a frame holds", len(b))
		return
	}
	e.varint(uint64(len(b)))
	e.buf = append(e.buf, b...)
}

// some writes an Option tag and reports whether the value follows.
func (e *encoder) some(present bool) bool {
	e.boolean(present)
	return present
}

func (e *encoder) optStr(field string, s *string) {
	if e.some(s != nil) {
		e.str(field, *s)
	}
}

func (e *encoder) optU32(v *uint32) {
	if e.some(v != nil) {
		e.u32(*v)
	}
}

func (e *encoder) optU64(v *uint64) {
	if e.some(v != nil) {
		e.u64(*v)
	}
}

// seq writes the element count of a Vec or HashMap.
func (e *encoder) seq(field string, n int) {
	if n > MaxListLen {
		e.fail(field, "%d entries, more than the protocol's %d", n, MaxListLen)
		return
	}
	e.varint(uint64(n))
}

// encodeList writes a Vec: its count, then each element.
func encodeList[T any](e *encoder, field string, vs []T, each func(e *encoder, v T)) {
	if e.err != nil {
		return
	}
	e.seq(field, len(vs))
	for i, v := range vs {
		if each(e, v); e.err != nil {
			e.err = within(e.err, field, i)
			return
		}
	}
}

// decoder reads postcard values from a buffer it never indexes past its end:
// every length is checked against the bytes that remain before anything is
// allocated, so arbitrary input costs at most its own size. As with encoder,
// the first failure is kept and later reads return zero values.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) fail(field, format string, args ...any) {
	if d.err == nil {
		d.err = &fieldError{path: field, msg: fmt.Sprintf(format, args...)}
	}
}

func (d *decoder) byte1(field string) byte {
	if d.err != nil {
		return 0
	}
	if len(d.buf) == 0 {
		d.fail(field, "unexpected end of input")
		return 0
	}
	b := d.buf[0]
	d.buf = d.buf[1:]
	return b
}

// varint reads an unsigned LEB128 varint of at most maxLen bytes whose last
// possible byte may carry only the bits the type has left (lastMax), exactly
// as postcard does: a varint that does not end within maxLen bytes or
// overflows the type is an error; a non-canonical one (0x80 0x00 for zero)
// is accepted.
func (d *decoder) varint(field string, maxLen int, lastMax byte) uint64 {
	var v uint64
	for i := range maxLen {
		b := d.byte1(field)
		if d.err != nil {
			return 0
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b&0x80 == 0 {
			if i == maxLen-1 && b > lastMax {
				d.fail(field, "varint overflows its type")
				return 0
			}
			return v
		}
	}
	d.fail(field, "varint longer than %d bytes", maxLen)
	return 0
}

func (d *decoder) u16(field string) uint16 { return uint16(d.varint(field, 3, 0x03)) }
func (d *decoder) u32(field string) uint32 { return uint32(d.varint(field, 5, 0x0f)) }
func (d *decoder) u64(field string) uint64 { return d.varint(field, 10, 0x01) }

func (d *decoder) boolean(field string) bool {
	switch b := d.byte1(field); {
	case d.err != nil:
		return false
	case b == 0:
		return false
	case b == 1:
		return true
	default:
		d.fail(field, "bool byte 0x%02x is neither 0 nor 1", b)
		return false
	}
}

// some reads an Option tag and reports whether a value follows.
func (d *decoder) some(field string) bool {
	switch b := d.byte1(field); {
	case d.err != nil:
		return false
	case b == 0:
		return false
	case b == 1:
		return true
	default:
		d.fail(field, "option tag 0x%02x is neither 0 nor 1", b)
		return false
	}
}

// take returns the next n bytes of a length-prefixed string or byte string.
func (d *decoder) take(field string) []byte {
	n := d.u64(field)
	if d.err != nil {
		return nil
	}
	if n > MaxFrameSize || n > uint64(len(d.buf)) {
		d.fail(field, "length %d exceeds the %d bytes left", n, len(d.buf))
		return nil
	}
	b := d.buf[:n]
	d.buf = d.buf[n:]
	return b
}

func (d *decoder) str(field string) string {
	b := d.take(field)
	if d.err != nil {
		return ""
	}
	if !utf8.Valid(b) {
		d.fail(field, "not valid UTF-8")
		return ""
	}
	return string(b)
}

// name is a string the broker limits to MaxNameLen bytes.
func (d *decoder) name(field string) string {
	s := d.str(field)
	if len(s) > MaxNameLen {
		d.fail(field, "%d bytes, more than the protocol's %d", len(s), MaxNameLen)
		return ""
	}
	return s
}

// bytes returns a copy, never a slice of the input, so a decoded message
// does not pin or alias the frame it came from. Empty is nil.
func (d *decoder) bytes(field string) []byte {
	b := d.take(field)
	if d.err != nil || len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

// opt reads an Option<T>: its tag, then T when present.
func opt[T any](d *decoder, field string, read func(string) T) *T {
	if !d.some(field) {
		return nil
	}
	v := read(field)
	if d.err != nil {
		return nil
	}
	return &v
}

func (d *decoder) optStr(field string) *string { return opt(d, field, d.str) }

func (d *decoder) optU32(field string) *uint32 { return opt(d, field, d.u32) }

func (d *decoder) optU64(field string) *uint64 { return opt(d, field, d.u64) }

// seq reads the element count of a Vec or HashMap. Every element of every
// type here takes at least one byte, so a count above the bytes left is
// refused before the caller allocates for it.
func (d *decoder) seq(field string) int {
	n := d.u64(field)
	if d.err != nil {
		return 0
	}
	if n > MaxListLen {
		d.fail(field, "%d entries, more than the protocol's %d", n, MaxListLen)
		return 0
	}
	if n > uint64(len(d.buf)) {
		d.fail(field, "%d entries but only %d bytes left", n, len(d.buf))
		return 0
	}
	return int(n)
}

// decodeList reads a Vec: its count, then each element. Empty is nil, so a
// decoded message compares equal to one written with omitted fields.
func decodeList[T any](d *decoder, field string, each func(d *decoder) T) []T {
	n := d.seq(field)
	if n == 0 {
		return nil
	}
	out := make([]T, 0, n)
	for i := range n {
		v := each(d)
		if d.err != nil {
			d.err = within(d.err, field, i)
			return nil
		}
		out = append(out, v)
	}
	return out
}

// Element functions for lists of strings.
func encStr(e *encoder, s string)  { e.str("", s) }
func encName(e *encoder, s string) { e.name("", s) }
func decStr(d *decoder) string     { return d.str("") }
func decName(d *decoder) string    { return d.name("") }
