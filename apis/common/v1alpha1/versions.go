package v1alpha1

// SupportedRivvenVersions are the Rivven releases this product is tested
// against, newest first: each one's real rivvend and rivven-connect run in
// the broker and connect tiers (hack/rivven/versions.sh builds the same
// list; a test keeps the two equal). The first is the default image version.
// Any other spec.version is accepted with a Warning naming these.
var SupportedRivvenVersions = []string{"0.0.22"}

// DefaultRivvenVersion is the image tag used when spec.version is unset.
const DefaultRivvenVersion = "0.0.22"

// IsSupportedRivvenVersion reports whether v is a tested release.
func IsSupportedRivvenVersion(v string) bool {
	for _, s := range SupportedRivvenVersions {
		if s == v {
			return true
		}
	}
	return false
}

// ClientPortServesTLS reports whether the released rivvend of version v
// serves TLS on its client port (9092) when spec.tls.enabled asks for it.
// No supported release does: their binaries are built with default features,
// which leave out rivvend's tls feature, so RIVVEN_TLS_ENABLED secures only
// the HTTP API (test/broker shows the plaintext client port). Unknown
// versions are taken to behave like the supported ones.
func ClientPortServesTLS(string) bool { return false }

// ClusterModeFailure is what rivvend of version v does when it is started in
// cluster mode (RIVVEN_MODE=cluster, two or more brokers), when that was
// observed to fail; "" when cluster mode is not known to fail. Observed by
// test/broker on the real binary, which fails once a release starts.
func ClusterModeFailure(v string) string {
	switch v {
	case "0.0.22":
		return "every broker exits with code 1 at startup: \"Failed to start Raft node: raft storage error: Failed to create log store: " +
			"raft storage error: Failed to open redb: I/O error: Is a directory (os error 21)\" (rivvend opens its Raft log " +
			"database at the directory <data dir>/raft), so no broker ever serves and no Raft group can form"
	}
	return ""
}

// APITLSFailure is what rivvend of version v does when RIVVEN_TLS_ENABLED
// asks it to serve its HTTP API (port 9094) over TLS, when that was observed
// to fail; "" when it is not known to fail. Observed by test/broker on the
// real binary (default features, as the release workflow builds it).
func APITLSFailure(v string) string {
	switch v {
	case "0.0.22":
		return "its HTTP API task panics when it starts TLS (\"Could not automatically determine the process-level CryptoProvider " +
			"from Rustls crate features.\"), so port 9094 never listens: the probes fail and the broker is restarted forever"
	}
	return ""
}
