//! Writes the test vectors of the Go package
//! provider/internal/clients/rivven/protocol.
//!
//! Every case is serialized by the real `rivven-protocol` crate (the version
//! Cargo.toml pins), exactly as rivvend and rivven-client put it on the wire:
//! `to_wire(WireFormat::Postcard, correlation_id)` gives the format byte, the
//! big-endian correlation id and the postcard payload, and the transport
//! prepends the big-endian u32 length of that (rivvend's
//! `framing::send_response`, rivven-client's request writer).
//!
//! The Go tests hold a value of the same name for every case, written by hand
//! from the case's meaning, and check that Go encodes it to these bytes and
//! decodes these bytes to it. The decode cases record whether the crate
//! accepts a hand-made payload, so the Go decoder's strictness (varint
//! overflow, bool and option tags, UTF-8, list and name limits, trailing
//! bytes) is checked against the crate's as well.
//!
//! Usage: rivven-vectors OUT.json

use std::collections::HashMap;
use std::fmt::Write as _;

use bytes::Bytes;
use rivven_protocol::{
    BrokerInfo, PartitionMetadata, Request, Response, TopicConfigDescription, TopicConfigEntry,
    TopicConfigValue, TopicMetadata, WireFormat,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

const CRATE: &str = "rivven-protocol 0.0.22";

/// The generator's own inputs. The Go staleness test hashes the same files
/// and names `make rivven-vectors` when they differ from the recorded hashes.
const SOURCES: [(&str, &[u8]); 3] = [
    ("Cargo.lock", include_bytes!("../Cargo.lock")),
    ("Cargo.toml", include_bytes!("../Cargo.toml")),
    ("src/main.rs", include_bytes!("main.rs")),
];

#[derive(Serialize)]
struct Output {
    comment: &'static str,
    generator: Generator,
    frames: Vec<Frame>,
    decode_cases: Vec<DecodeCase>,
}

#[derive(Serialize)]
struct Generator {
    crate_version: &'static str,
    sha256: Vec<FileHash>,
}

#[derive(Serialize)]
struct FileHash {
    path: &'static str,
    sha256: String,
}

/// One full wire frame: length prefix, format byte, correlation id, payload.
#[derive(Serialize)]
struct Frame {
    name: &'static str,
    direction: &'static str,
    correlation_id: u32,
    frame: String,
}

/// A postcard payload (no frame) and the crate's verdict on it.
#[derive(Serialize)]
struct DecodeCase {
    name: &'static str,
    direction: &'static str,
    payload: String,
    crate_accepts: bool,
    crate_error: String,
}

fn hex(b: &[u8]) -> String {
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        write!(s, "{x:02x}").unwrap();
    }
    s
}

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(s.len() % 2 == 0, "odd hex {s}");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The length prefix the transport adds in front of `to_wire`'s bytes.
fn framed(wire: Vec<u8>) -> String {
    let len = u32::try_from(wire.len()).expect("frame fits u32");
    let mut out = len.to_be_bytes().to_vec();
    out.extend_from_slice(&wire);
    hex(&out)
}

#[derive(Default)]
struct Cases {
    frames: Vec<Frame>,
    decode: Vec<DecodeCase>,
}

impl Cases {
    fn req(&mut self, name: &'static str, corr: u32, r: Request) {
        let wire = r.to_wire(WireFormat::Postcard, corr).expect(name);
        // The server's own parse (postcard plus Request::validate) must accept
        // what we claim is a valid request.
        let (_, _, got) = Request::from_wire(&wire).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, corr, "{name}");
        self.frames.push(Frame { name, direction: "request", correlation_id: corr, frame: framed(wire) });
    }

    fn resp(&mut self, name: &'static str, corr: u32, r: Response) {
        let wire = r.to_wire(WireFormat::Postcard, corr).expect(name);
        let (_, _, got) = Response::from_wire(&wire).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got, corr, "{name}");
        self.frames.push(Frame { name, direction: "response", correlation_id: corr, frame: framed(wire) });
    }

    fn decode_req(&mut self, name: &'static str, payload: Vec<u8>) {
        let verdict = Request::from_bytes(&payload).map(|_| ());
        self.verdict(name, "request", payload, verdict);
    }

    fn decode_resp(&mut self, name: &'static str, payload: Vec<u8>) {
        let verdict = Response::from_bytes(&payload).map(|_| ());
        self.verdict(name, "response", payload, verdict);
    }

    fn verdict(
        &mut self,
        name: &'static str,
        direction: &'static str,
        payload: Vec<u8>,
        verdict: rivven_protocol::Result<()>,
    ) {
        self.decode.push(DecodeCase {
            name,
            direction,
            payload: hex(&payload),
            crate_accepts: verdict.is_ok(),
            crate_error: verdict.err().map(|e| e.to_string()).unwrap_or_default(),
        });
    }
}

fn s(v: &str) -> String {
    v.to_string()
}

fn b(v: &str) -> Bytes {
    Bytes::copy_from_slice(v.as_bytes())
}

fn cv(value: &str, is_default: bool, is_read_only: bool, is_sensitive: bool) -> TopicConfigValue {
    TopicConfigValue { value: s(value), is_default, is_read_only, is_sensitive }
}

/// A config map that iterates, and therefore serializes, in sorted key order.
///
/// `TopicConfigDescription.configs` is a std `HashMap` with a random hasher:
/// the crate writes its entries in an order that changes per map and per
/// process, so a multi-entry map has no single "right" byte string. The Go
/// encoder writes sorted keys. To keep every vector byte-exact (and this
/// file's output reproducible), we rebuild the map, each time with fresh
/// random hash keys, until its iteration order happens to be sorted: the
/// bytes are still the crate's own serialization of a real map. A single
/// entry needs one try; eight need about 8! = 40,320, a fraction of a second.
fn sorted_configs(entries: &[(&str, TopicConfigValue)]) -> HashMap<String, TopicConfigValue> {
    for _ in 0..20_000_000u32 {
        let m: HashMap<String, TopicConfigValue> =
            entries.iter().map(|(k, v)| (s(k), v.clone())).collect();
        let keys: Vec<&String> = m.keys().collect();
        if keys.windows(2).all(|w| w[0] < w[1]) {
            assert_eq!(m.len(), entries.len(), "duplicate keys in a case");
            return m;
        }
    }
    panic!("no sorted iteration order found for {} entries", entries.len());
}

fn requests(c: &mut Cases) {
    c.req("handshake/provider", 1, Request::Handshake { protocol_version: 2, client_id: s("provider-rivven") });
    c.req("handshake/empty-client-id", 2, Request::Handshake { protocol_version: 1, client_id: s("") });
    c.req(
        "handshake/max-version-unicode",
        u32::MAX,
        Request::Handshake { protocol_version: u32::MAX, client_id: s("prövider-ü-🦀") },
    );
    c.req("ping", 300, Request::Ping);
    c.req("list-topics", 9, Request::ListTopics);

    c.req("create-topic/partitions", 3, Request::CreateTopic { name: s("orders"), partitions: Some(12) });
    c.req("create-topic/default-partitions", 4, Request::CreateTopic { name: s("orders"), partitions: None });
    c.req("create-topic/partitions-127", 5, Request::CreateTopic { name: s("a"), partitions: Some(127) });
    c.req("create-topic/partitions-128", 6, Request::CreateTopic { name: s("a"), partitions: Some(128) });
    c.req("create-topic/partitions-max-u32", 7, Request::CreateTopic { name: s("a"), partitions: Some(u32::MAX) });
    c.req("create-topic/partitions-zero", 8, Request::CreateTopic { name: s("a"), partitions: Some(0) });
    c.req("create-topic/unicode-name", 10, Request::CreateTopic { name: s("заказы.ü-🦀"), partitions: Some(1) });
    c.req("create-topic/name-256-bytes", 11, Request::CreateTopic { name: "n".repeat(256), partitions: Some(3) });
    c.req("create-topic/empty-name", 12, Request::CreateTopic { name: s(""), partitions: None });

    c.req("delete-topic", 13, Request::DeleteTopic { name: s("orders") });
    c.req("get-metadata", 14, Request::GetMetadata { topic: s("orders") });
    c.req("get-cluster-metadata/all", 15, Request::GetClusterMetadata { topics: vec![] });
    c.req(
        "get-cluster-metadata/named",
        16,
        Request::GetClusterMetadata { topics: vec![s("orders"), s("payments")] },
    );

    c.req(
        "create-partitions/grow",
        17,
        Request::CreatePartitions { topic: s("orders"), new_partition_count: 24, assignments: vec![] },
    );
    c.req(
        "create-partitions/assignments",
        18,
        Request::CreatePartitions {
            topic: s("orders"),
            new_partition_count: 300,
            assignments: vec![vec![s("n1"), s("n2")], vec![], vec![s("n3")]],
        },
    );

    c.req(
        "alter-topic-config/set-and-reset",
        19,
        Request::AlterTopicConfig {
            topic: s("orders"),
            configs: vec![
                TopicConfigEntry { key: s("retention.ms"), value: Some(s("604800000")) },
                TopicConfigEntry { key: s("cleanup.policy"), value: None },
                TopicConfigEntry { key: s("compression.type"), value: Some(s("")) },
            ],
        },
    );
    c.req("alter-topic-config/empty", 20, Request::AlterTopicConfig { topic: s("orders"), configs: vec![] });

    c.req("describe-topic-configs/one", 21, Request::DescribeTopicConfigs { topics: vec![s("orders")] });
    c.req("describe-topic-configs/none", 22, Request::DescribeTopicConfigs { topics: vec![] });
    c.req(
        "describe-topic-configs/three",
        23,
        Request::DescribeTopicConfigs { topics: vec![s("a"), s("b.c"), s("ü")] },
    );

    c.req(
        "scram-client-first",
        24,
        Request::ScramClientFirst { message: b("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL") },
    );
    c.req("scram-client-first/empty", 25, Request::ScramClientFirst { message: Bytes::new() });
    c.req(
        "scram-client-final",
        26,
        Request::ScramClientFinal {
            message: b("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="),
        },
    );
    // 256 bytes 0x00..=0xff: not UTF-8, and a two-byte length varint.
    c.req(
        "scram-client-final/binary-256",
        27,
        Request::ScramClientFinal { message: Bytes::from((0..=255u8).collect::<Vec<u8>>()) },
    );
}

fn responses(c: &mut Cases) {
    c.resp(
        "authenticated",
        1,
        Response::Authenticated {
            session_id: s("3f8a0c6e9b1d4e2f8a7c6b5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f"),
            expires_in: 3600,
        },
    );
    c.resp("authenticated/max-expiry", 2, Response::Authenticated { session_id: s(""), expires_in: u64::MAX });
    c.resp(
        "scram-server-first",
        3,
        Response::ScramServerFirst {
            message: b("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=600000"),
        },
    );
    c.resp(
        "scram-server-final/success",
        4,
        Response::ScramServerFinal {
            message: b("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="),
            session_id: Some(s("3f8a0c6e9b1d4e2f8a7c6b5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f")),
            expires_in: Some(3600),
        },
    );
    c.resp(
        "scram-server-final/failure",
        5,
        Response::ScramServerFinal { message: b("e=Authentication failed"), session_id: None, expires_in: None },
    );
    c.resp(
        "scram-server-final/session-without-expiry",
        6,
        Response::ScramServerFinal { message: b("v=x"), session_id: Some(s("s")), expires_in: None },
    );

    c.resp("topic-created", 7, Response::TopicCreated { name: s("orders"), partitions: 12 });
    c.resp("topic-created/max-u32", 8, Response::TopicCreated { name: s("a"), partitions: u32::MAX });
    c.resp("topics/empty", 9, Response::Topics { topics: vec![] });
    c.resp("topics/three", 10, Response::Topics { topics: vec![s("payments"), s("orders"), s("заказы")] });
    c.resp("topic-deleted", 11, Response::TopicDeleted);
    c.resp("metadata", 12, Response::Metadata { name: s("orders"), partitions: 3 });

    c.resp(
        "cluster-metadata/standalone",
        13,
        Response::ClusterMetadata {
            controller_id: Some(s("rivven-0-9093")),
            brokers: vec![BrokerInfo { node_id: s("rivven-0-9093"), host: s("0.0.0.0"), port: 9092, rack: None }],
            topics: vec![],
        },
    );
    c.resp(
        "cluster-metadata/full",
        14,
        Response::ClusterMetadata {
            controller_id: None,
            brokers: vec![
                BrokerInfo { node_id: s("n1"), host: s("10.0.0.1"), port: 65535, rack: Some(s("rack-a")) },
                BrokerInfo { node_id: s("n2"), host: s("rivven-1.rivven-headless"), port: 0, rack: None },
            ],
            topics: vec![
                TopicMetadata {
                    name: s("orders"),
                    is_internal: false,
                    partitions: vec![
                        PartitionMetadata {
                            partition: 0,
                            leader: Some(s("n1")),
                            replicas: vec![s("n1"), s("n2")],
                            isr: vec![s("n1")],
                            offline: false,
                        },
                        PartitionMetadata {
                            partition: 200,
                            leader: None,
                            replicas: vec![],
                            isr: vec![],
                            offline: true,
                        },
                    ],
                },
                TopicMetadata { name: s("__consumer_offsets"), is_internal: true, partitions: vec![] },
            ],
        },
    );
    c.resp("pong", 15, Response::Pong);
    c.resp("ok", 16, Response::Ok);

    c.resp("error/already-exists", 17, Response::Error { message: s("Topic 'orders' already exists") });
    c.resp("error/empty", 18, Response::Error { message: s("") });
    c.resp(
        "error/parse-failure-corr-0",
        0,
        Response::Error {
            message: s("INVALID_REQUEST: Invalid message format: topic exceeds max length (300 > 256)"),
        },
    );
    c.resp(
        "error/unicode",
        19,
        Response::Error { message: s("INVALID_TOPIC_NAME: Invalid topic name 'ü 🦀': must start with alphanumeric") },
    );
    c.resp(
        "throttled",
        20,
        Response::Throttled { throttle_time_ms: 1500, quota_type: s("request_rate"), entity: s("user:alice") },
    );
    c.resp(
        "throttled/max",
        21,
        Response::Throttled { throttle_time_ms: u64::MAX, quota_type: s(""), entity: s("") },
    );

    c.resp("topic-config-altered", 22, Response::TopicConfigAltered { topic: s("orders"), changed_count: 2 });
    c.resp(
        "topic-config-altered/max-usize",
        23,
        Response::TopicConfigAltered { topic: s("orders"), changed_count: usize::MAX },
    );
    c.resp("partitions-created", 24, Response::PartitionsCreated { topic: s("orders"), new_partition_count: 24 });

    c.resp("topic-configs-described/empty", 25, Response::TopicConfigsDescribed { configs: vec![] });
    c.resp(
        "topic-configs-described/one-key",
        26,
        Response::TopicConfigsDescribed {
            configs: vec![TopicConfigDescription {
                topic: s("orders"),
                configs: sorted_configs(&[("cleanup.policy", cv("compact", false, false, false))]),
            }],
        },
    );
    c.resp(
        "topic-configs-described/flags",
        27,
        Response::TopicConfigsDescribed {
            configs: vec![
                TopicConfigDescription {
                    topic: s("orders"),
                    configs: sorted_configs(&[
                        ("a.read-only", cv("x", false, true, false)),
                        ("b.sensitive", cv("", false, false, true)),
                        ("c.all", cv("ü", true, true, true)),
                    ]),
                },
                TopicConfigDescription { topic: s("empty"), configs: HashMap::new() },
            ],
        },
    );
    // What rivvend 0.0.22 answers for a fresh topic: all eight keys at their defaults.
    c.resp(
        "topic-configs-described/all-defaults",
        28,
        Response::TopicConfigsDescribed {
            configs: vec![TopicConfigDescription {
                topic: s("orders"),
                configs: sorted_configs(&[
                    ("cleanup.policy", cv("delete", true, false, false)),
                    ("compression.type", cv("producer", true, false, false)),
                    ("max.message.bytes", cv("1048576", true, false, false)),
                    ("min.insync.replicas", cv("1", true, false, false)),
                    ("retention.bytes", cv("-1", true, false, false)),
                    ("retention.ms", cv("604800000", true, false, false)),
                    ("segment.bytes", cv("1073741824", true, false, false)),
                    ("segment.ms", cv("604800000", true, false, false)),
                ]),
            }],
        },
    );

    c.resp(
        "handshake-result/compatible",
        29,
        Response::HandshakeResult { server_version: 2, compatible: true, message: s("OK") },
    );
    c.resp(
        "handshake-result/mismatch",
        30,
        Response::HandshakeResult {
            server_version: 2,
            compatible: false,
            message: s("Version mismatch: client=1, server=2"),
        },
    );
}

/// The worked examples of PROTOCOL.md §2.5 (shared notes of this project),
/// with the correlation ids given there, so the Go test can hold the hex
/// printed in that file against the crate's bytes.
fn protocol_md(c: &mut Cases) {
    c.req("protocol-md/handshake-x", 0, Request::Handshake { protocol_version: 2, client_id: s("x") });
    c.req("protocol-md/create-topic-12", 1, Request::CreateTopic { name: s("orders"), partitions: Some(12) });
    c.req("protocol-md/create-topic-none", 1, Request::CreateTopic { name: s("orders"), partitions: None });
    c.req("protocol-md/list-topics", 2, Request::ListTopics);
    c.req("protocol-md/ping", 300, Request::Ping);
    c.req(
        "protocol-md/alter-topic-config",
        5,
        Request::AlterTopicConfig {
            topic: s("orders"),
            configs: vec![
                TopicConfigEntry { key: s("retention.ms"), value: Some(s("86400000")) },
                TopicConfigEntry { key: s("cleanup.policy"), value: None },
            ],
        },
    );
    c.req(
        "protocol-md/create-partitions",
        6,
        Request::CreatePartitions { topic: s("orders"), new_partition_count: 24, assignments: vec![] },
    );
    c.req("protocol-md/describe-topic-configs", 4, Request::DescribeTopicConfigs { topics: vec![s("orders")] });
    c.req("protocol-md/get-cluster-metadata", 7, Request::GetClusterMetadata { topics: vec![] });
    c.resp("protocol-md/topic-created", 1, Response::TopicCreated { name: s("orders"), partitions: 12 });
    c.resp(
        "protocol-md/handshake-result",
        0,
        Response::HandshakeResult { server_version: 2, compatible: true, message: s("OK") },
    );
    c.resp("protocol-md/error", 1, Response::Error { message: s("Topic 'orders' already exists") });
    c.resp("protocol-md/topic-deleted", 3, Response::TopicDeleted);
    c.resp("protocol-md/topics", 2, Response::Topics { topics: vec![s("orders")] });
}

/// Hand-made payloads, each with the crate's verdict. Payloads are postcard
/// only (no frame); the first byte is the variant index.
fn decode_cases(c: &mut Cases) {
    // CreateTopic{"a", Some(..)} with the partitions varint given in hex.
    let create = |varint: &str| unhex(&format!("06 01 61 01 {varint}"));
    c.decode_req("varint-u32/non-canonical-two-bytes", create("8c 00"));
    c.decode_req("varint-u32/max", create("ff ff ff ff 0f"));
    c.decode_req("varint-u32/last-byte-overflow", create("ff ff ff ff 10"));
    c.decode_req("varint-u32/six-bytes", create("80 80 80 80 80 00"));
    c.decode_req("varint-u32/truncated", create("80"));
    c.decode_req("option/tag-2", unhex("06 01 61 02 0c"));
    c.decode_req("variant/index-5-bytes-max", unhex("ff ff ff ff 0f"));
    c.decode_req("variant/index-40", unhex("28"));
    c.decode_req("variant/empty-payload", vec![]);
    c.decode_req("trailing-bytes-ignored", unhex("0d 00 ff"));
    c.decode_req("string/invalid-utf8", unhex("08 01 ff"));
    c.decode_req("string/truncated", unhex("08 06 6f 72 64"));
    c.decode_req("string/length-u64-max", unhex("08 ff ff ff ff ff ff ff ff ff 01"));
    c.decode_req("string/length-overflows-u64", unhex("08 ff ff ff ff ff ff ff ff ff 02"));
    c.decode_req("seq/count-without-elements", unhex("0c ff ff 03"));

    let name = |n: usize| {
        let mut p = vec![0x08u8];
        p.extend_from_slice(&[(n as u8) | 0x80, (n >> 7) as u8]);
        p.extend(std::iter::repeat(b'a').take(n));
        p
    };
    c.decode_req("name/256-bytes", name(256));
    c.decode_req("name/257-bytes", name(257));
    let mut client_id = vec![0x21u8, 0x02, 0x81, 0x02];
    client_id.extend(std::iter::repeat(b'c').take(257));
    c.decode_req("handshake/client-id-257-bytes", client_id);
    // GetClusterMetadata with 10,000 and 10,001 empty topic names.
    let topics = |n: usize| {
        let mut p = vec![0x0cu8, (n as u8) | 0x80, (n >> 7) as u8];
        p.extend(std::iter::repeat(0u8).take(n));
        p
    };
    c.decode_req("list/10000-topics", topics(10_000));
    c.decode_req("list/10001-topics", topics(10_001));

    c.decode_resp("bool/true", unhex("23 02 01 00"));
    c.decode_resp("bool/2", unhex("23 02 02 00"));
    c.decode_resp("bool/ff", unhex("23 02 ff 00"));
    // ClusterMetadata{None, [BrokerInfo{"", "", port, None}], []}.
    let port = |varint: &str| unhex(&format!("0b 00 01 00 00 {varint} 00 00"));
    c.decode_resp("varint-u16/max", port("ff ff 03"));
    c.decode_resp("varint-u16/last-byte-overflow", port("ff ff 04"));
    c.decode_resp("varint-u16/four-bytes", port("80 80 80 00"));
    // Authenticated{"", expires_in}.
    let expires = |varint: &str| unhex(&format!("00 00 {varint}"));
    c.decode_resp("varint-u64/max", expires("ff ff ff ff ff ff ff ff ff 01"));
    c.decode_resp("varint-u64/last-byte-overflow", expires("ff ff ff ff ff ff ff ff ff 02"));
    c.decode_resp("varint-u64/eleven-bytes", expires("80 80 80 80 80 80 80 80 80 80 00"));
    c.decode_resp("option/tag-2", unhex("02 00 02"));
    c.decode_resp("variant/index-42", unhex("2a"));
    c.decode_resp("variant/empty-payload", vec![]);
    c.decode_resp("trailing-bytes-ignored", unhex("0c 0c"));
    c.decode_resp("bytes/not-utf8-fine", unhex("01 02 ff fe"));
    c.decode_resp("string/invalid-utf8", unhex("12 02 c3 28"));
    // A described config map that names one key twice: the later entry wins.
    c.decode_resp(
        "map/duplicate-key",
        unhex("22 01 01 61 02 01 6b 01 31 00 00 00 01 6b 01 32 01 00 00"),
    );
    let topic_list = |n: usize| {
        let mut p = vec![0x06u8, (n as u8) | 0x80, (n >> 7) as u8];
        p.extend(std::iter::repeat(0u8).take(n));
        p
    };
    c.decode_resp("list/10000-topics", topic_list(10_000));
    c.decode_resp("list/10001-topics", topic_list(10_001));
}

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| {
        eprintln!("usage: rivven-vectors OUT.json");
        std::process::exit(2);
    });

    let mut c = Cases::default();
    requests(&mut c);
    responses(&mut c);
    protocol_md(&mut c);
    decode_cases(&mut c);

    let mut names = std::collections::HashSet::new();
    for f in &c.frames {
        assert!(names.insert((f.direction, f.name)), "duplicate case {}", f.name);
    }
    for d in &c.decode {
        assert!(names.insert((d.direction, d.name)), "duplicate case {}", d.name);
    }

    let output = Output {
        comment: "Generated by hack/rivven/vectors with the real rivven-protocol crate; do not edit. Regenerate with `make rivven-vectors`.",
        generator: Generator {
            crate_version: CRATE,
            sha256: SOURCES
                .iter()
                .map(|(path, data)| FileHash { path, sha256: hex(&Sha256::digest(data)) })
                .collect(),
        },
        frames: c.frames,
        decode_cases: c.decode,
    };
    let mut json = serde_json::to_string_pretty(&output).expect("json");
    json.push('\n');
    std::fs::write(&out, json).unwrap_or_else(|e| panic!("writing {out}: {e}"));
    eprintln!("rivven-vectors: wrote {out}");
}
