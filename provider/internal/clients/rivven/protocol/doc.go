// Package protocol speaks Rivven's native client protocol (the broker's port
// 9092) for the admin subset the provider needs: topics, their partitions and
// configs, cluster metadata, the handshake and a SCRAM-SHA-256 login.
//
// A frame is a big-endian u32 length, a format byte (0 = postcard, the only
// format a release broker serves), a big-endian u32 correlation id and a
// postcard-encoded Request or Response enum. postcard.go holds the primitive
// encoder and decoder, requests.go and responses.go the two enums, frame.go
// the framing, conn.go a connection that pairs requests with replies and
// auth.go its SCRAM-SHA-256 login.
//
// The byte layout is not taken on trust from Rivven's source: the tests hold
// the codec against testdata/vectors.json, which hack/rivven/vectors writes
// with the real rivven-protocol crate (make rivven-vectors).
package protocol
