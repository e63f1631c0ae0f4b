package cluster

import (
	"fmt"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	clusterv1alpha1 "github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
)

// brokerEnv returns the rivvend settings every broker shares, as the
// environment variables rivvend reads (rivvend has no config file). They are
// delivered through the ConfigMap rivven-{name}-config with envFrom, and
// their hash rolls the pods when they change. Per-pod values (node id,
// advertise address) and the auth token are set on the container instead.
func brokerEnv(name, ns string, s clusterv1alpha1.RivvenClusterSpec) map[string]string {
	c := s.Config
	env := map[string]string{
		"RIVVEN_BIND":               fmt.Sprintf("0.0.0.0:%d", PortClient),
		"RIVVEN_API_BIND":           fmt.Sprintf("0.0.0.0:%d", PortAPI),
		"RIVVEN_DATA_DIR":           DataDir,
		"RIVVEN_CLUSTER_NAME":       name,
		"RIVVEN_DEFAULT_PARTITIONS": i32(*c.DefaultPartitions),
		"RIVVEN_REPLICATION_FACTOR": i32(replicationFactor(s)),
		"RIVVEN_MIN_ISR":            i32(minInsyncReplicas(s)),
		"RUST_LOG":                  string(c.LogLevel),
	}
	if clusterMode(s) {
		// No RIVVEN_SEEDS: rivvend parses each seed as a literal IP:port
		// and skips DNS names, and the pod IPs of peers are not known
		// when the ConfigMap is composed. Membership is formed through
		// the Raft API on the HTTP port, not through SWIM seeds.
		env["RIVVEN_MODE"] = "cluster"
		env["RIVVEN_CLUSTER_BIND"] = fmt.Sprintf("0.0.0.0:%d", PortCluster)
	} else {
		env["RIVVEN_MODE"] = "standalone"
	}
	if !*c.RequireClientAuth {
		env["RIVVEN_NO_REQUIRE_AUTH"] = "true"
	}
	if q := c.MaxSegmentSize; q != nil {
		env["RIVVEN_MAX_SEGMENT_SIZE"] = strconv.FormatInt(q.Value(), 10)
	}
	if v := c.MaxConnectionsPerIP; v != nil {
		env["RIVVEN_MAX_CONNECTIONS_PER_IP"] = i32(*v)
	}
	if v := c.MaxTotalConnections; v != nil {
		env["RIVVEN_MAX_TOTAL_CONNECTIONS"] = i32(*v)
	}
	if r := c.Raft; r != nil {
		env["RIVVEN_RAFT_HEARTBEAT_MS"] = strconv.FormatInt(r.HeartbeatMs, 10)
		env["RIVVEN_RAFT_ELECTION_MIN_MS"] = strconv.FormatInt(r.ElectionMinMs, 10)
		env["RIVVEN_RAFT_ELECTION_MAX_MS"] = strconv.FormatInt(r.ElectionMaxMs, 10)
	}
	if apiTLS(s) {
		env["RIVVEN_TLS_ENABLED"] = "true"
		env["RIVVEN_TLS_CERT"] = TLSDir + "/" + corev1.TLSCertKey
		env["RIVVEN_TLS_KEY"] = TLSDir + "/" + corev1.TLSPrivateKeyKey
		// No RIVVEN_TLS_CA: the Secret need not hold ca.crt (kubectl
		// create secret tls and most issuers write none), and a CA path
		// to a missing file breaks the API listener. The CA serves only
		// client-certificate checks, which the released build lacks.
	}
	return env
}

func i32(v int32) string { return strconv.FormatInt(int64(v), 10) }

// configMap holds the shared broker environment.
func configMap(name, ns string, env map[string]string) *corev1.ConfigMap {
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: metav1.ObjectMeta{Name: configMapName(name), Namespace: ns, Labels: commonLabels(name)},
		Data:       env,
	}
}
