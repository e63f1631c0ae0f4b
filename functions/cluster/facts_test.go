package cluster

import (
	"strconv"
	"strings"
	"testing"
)

// rivvendEnv is every environment variable rivvend reads at runtime, from the
// rivvend flag table (crates/rivvend/src/cli.rs, summarised in the project's
// rivven FACTS reference, section 7.1). Variables the binary parses but
// ignores (RIVVEN_DATACENTER, RIVVEN_IO_THREADS, RIVVEN_METRICS,
// RIVVEN_METRICS_BIND, RIVVEN_DASHBOARD_BIND) are deliberately absent: setting
// them would pretend to configure something.
var rivvendEnv = map[string]bool{
	"RIVVEN_BIND": true, "RIVVEN_DATA_DIR": true, "RIVVEN_PERSISTENCE": true, "RIVVEN_DEFAULT_PARTITIONS": true,
	"RIVVEN_MAX_SEGMENT_SIZE": true, "RUST_LOG": true, "RIVVEN_MODE": true, "RIVVEN_NODE_ID": true,
	"RIVVEN_CLUSTER_NAME": true, "RIVVEN_SEEDS": true, "RIVVEN_CLUSTER_BIND": true, "RIVVEN_ADVERTISE_ADDR": true,
	"RIVVEN_RACK": true, "RIVVEN_REPLICATION_FACTOR": true, "RIVVEN_MIN_ISR": true, "RIVVEN_REPLICA_FETCH_MS": true,
	"RIVVEN_REPLICA_LAG_MS": true, "RIVVEN_SWIM_INTERVAL_MS": true, "RIVVEN_SWIM_INDIRECT_TARGETS": true,
	"RIVVEN_SWIM_SUSPICION_MULT": true, "RIVVEN_RAFT_HEARTBEAT_MS": true, "RIVVEN_RAFT_ELECTION_MIN_MS": true,
	"RIVVEN_RAFT_ELECTION_MAX_MS": true, "RIVVEN_MAX_CONNECTIONS_PER_IP": true, "RIVVEN_MAX_TOTAL_CONNECTIONS": true,
	"RIVVEN_RATE_LIMIT_PER_IP": true, "RIVVEN_MAX_REQUEST_SIZE": true, "RIVVEN_IDLE_TIMEOUT_SECS": true,
	"RIVVEN_TCP_NODELAY": true, "RIVVEN_CONNECT_TIMEOUT_MS": true, "RIVVEN_API_BIND": true,
	"RIVVEN_NO_DASHBOARD": true, "RIVVEN_PARTITIONER_BATCH_SIZE": true, "RIVVEN_PARTITIONER_LINGER_MS": true,
	"RIVVEN_TLS_ENABLED": true, "RIVVEN_TLS_CERT": true, "RIVVEN_TLS_KEY": true, "RIVVEN_TLS_CA": true,
	"RIVVEN_TLS_VERIFY_CLIENT": true, "RIVVEN_NO_REQUIRE_AUTH": true, "RIVVEN_CLUSTER_AUTH_TOKEN": true,
}

// helperEnv are variables set only so Kubernetes can expand $(VAR) in other
// values; rivvend does not read them.
var helperEnv = map[string]bool{"POD_IP": true}

// TestContainerMatchesRivvend proves the broker container is one the real
// rivvend image runs: entrypoint untouched, only env names rivvend reads,
// its real ports, and probes on its real HTTP endpoints.
func TestContainerMatchesRivvend(t *testing.T) {
	cases := map[string]string{
		"Seed":       readFile(t, seedPath),
		"Minimal":    xrYAML("  {}\n"),
		"Standalone": xrYAML("  replicas: 1\n"),
		"Tuned":      xrYAML("  config: {maxSegmentSize: 512Mi, maxConnectionsPerIP: 10, maxTotalConnections: 100, raft: {heartbeatMs: 100}, logLevel: debug, requireClientAuth: true}\n"),
	}
	for name, xr := range cases {
		t.Run(name, func(t *testing.T) {
			rsp := run(t, newRequest(t, xr, nil))
			sts := desired(t, rsp, "statefulset")
			ctr := brokerContainer(t, sts)
			cm := desired(t, rsp, "configmap")
			data := cm["data"].(map[string]any)
			cluster := data["RIVVEN_MODE"] == "cluster"

			// The image's entrypoint is the binary; rivvend has no
			// --config flag and no config file.
			for _, k := range []string{"command", "args"} {
				if v, ok := ctr[k]; ok {
					t.Errorf("container sets %s %v", k, v)
				}
			}
			if !strings.HasPrefix(ctr["image"].(string), "ghcr.io/hupe1980/rivvend:") {
				t.Errorf("image %v is not the published rivvend image", ctr["image"])
			}

			// Every env name is one rivvend reads.
			env := envMap(t, ctr)
			for k := range data {
				if !rivvendEnv[k] {
					t.Errorf("ConfigMap sets %s, which rivvend does not read", k)
				}
			}
			for k := range env {
				if !rivvendEnv[k] && !helperEnv[k] {
					t.Errorf("container sets %s, which rivvend does not read", k)
				}
			}
			if get(t, ctr, "envFrom", 0, "configMapRef", "name") != cm["metadata"].(map[string]any)["name"] {
				t.Error("the container does not take its env from the broker ConfigMap")
			}

			// Values rivvend parses strictly.
			if data["RIVVEN_DATA_DIR"] != "/data" || !mounted(t, ctr, "/data") {
				t.Errorf("data dir %v is not the mounted /data volume", data["RIVVEN_DATA_DIR"])
			}
			for _, k := range []string{"RIVVEN_BIND", "RIVVEN_API_BIND", "RIVVEN_CLUSTER_BIND"} {
				if v, ok := data[k]; ok && !isIPPort(v.(string)) {
					t.Errorf("%s = %v is not IP:port", k, v)
				}
			}
			if data["RIVVEN_BIND"] != "0.0.0.0:9092" || data["RIVVEN_API_BIND"] != "0.0.0.0:9094" {
				t.Errorf("listeners: bind %v, api %v", data["RIVVEN_BIND"], data["RIVVEN_API_BIND"])
			}
			rf, _ := strconv.Atoi(data["RIVVEN_REPLICATION_FACTOR"].(string))
			isr, _ := strconv.Atoi(data["RIVVEN_MIN_ISR"].(string))
			if isr < 1 || isr > rf {
				t.Errorf("min ISR %d with RF %d: rivvend exits unless 1 <= min ISR <= RF", isr, rf)
			}
			if get(t, env["RIVVEN_NODE_ID"], "fieldRef", "fieldPath") != "metadata.name" {
				t.Errorf("RIVVEN_NODE_ID is %v, want the pod name", env["RIVVEN_NODE_ID"])
			}
			if get(t, env["RIVVEN_CLUSTER_AUTH_TOKEN"], "secretKeyRef", "name") != desired(t, rsp, "auth-secret")["metadata"].(map[string]any)["name"] {
				t.Errorf("RIVVEN_CLUSTER_AUTH_TOKEN is %v, want a secretKeyRef to the auth Secret", env["RIVVEN_CLUSTER_AUTH_TOKEN"])
			}
			// Settings that do nothing, or harm, at the supported releases
			// stay out: seeds are parsed as literal IP:port only (a DNS
			// name is skipped) and SWIM never runs; the advertise address
			// is parsed but never read; a CA path needs a ca.crt the
			// Secret may lack.
			for _, k := range []string{"RIVVEN_SEEDS", "RIVVEN_ADVERTISE_ADDR", "RIVVEN_TLS_CA"} {
				if _, ok := data[k]; ok {
					t.Errorf("ConfigMap sets %s", k)
				}
				if _, ok := env[k]; ok {
					t.Errorf("container sets %s", k)
				}
			}

			// Ports: client 9092, cluster 9093 TCP and UDP (SWIM), API 9094.
			ports := map[string]bool{}
			named := map[string]float64{}
			for _, p := range ctr["ports"].([]any) {
				m := p.(map[string]any)
				ports[strconv.Itoa(int(m["containerPort"].(float64)))+"/"+m["protocol"].(string)] = true
				named[m["name"].(string)] = m["containerPort"].(float64)
			}
			want := []string{"9092/TCP", "9094/TCP"}
			if cluster {
				want = append(want, "9093/TCP", "9093/UDP")
			}
			for _, p := range want {
				if !ports[p] {
					t.Errorf("container port %s missing (have %v)", p, ports)
				}
			}
			if ports["9090/TCP"] {
				t.Error("container declares 9090, where nothing listens")
			}

			// Probes: readiness GET /health on 9094; liveness must not
			// use /health, which answers 503 until Raft has a leader.
			rp := get(t, ctr, "readinessProbe", "httpGet").(map[string]any)
			if rp["path"] != "/health" || named[rp["port"].(string)] != 9094 {
				t.Errorf("readiness probe %v is not GET /health on 9094", rp)
			}
			lp := ctr["livenessProbe"].(map[string]any)
			if hg, ok := lp["httpGet"]; ok {
				t.Errorf("liveness probe uses HTTP %v", hg)
			}
			if port := get(t, lp, "tcpSocket", "port"); named[port.(string)] != 9094 {
				t.Errorf("liveness probe port %v is not the API port 9094", port)
			}
		})
	}
}

func mounted(t *testing.T, ctr map[string]any, path string) bool {
	t.Helper()
	for _, m := range ctr["volumeMounts"].([]any) {
		if m.(map[string]any)["mountPath"] == path {
			return true
		}
	}
	return false
}

func indexOf(ctr map[string]any, name string) int {
	for i, e := range ctr["env"].([]any) {
		if e.(map[string]any)["name"] == name {
			return i
		}
	}
	return -1
}

func isIPPort(s string) bool {
	host, port, ok := strings.Cut(s, ":")
	if !ok {
		return false
	}
	if _, err := strconv.Atoi(port); err != nil {
		return false
	}
	parts := strings.Split(host, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 255 {
			return false
		}
	}
	return true
}
