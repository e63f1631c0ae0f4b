// Package connect is function-rivven-connect. It composes a RivvenConnect,
// in the RivvenConnect's namespace, into:
//
//   - configmap: ConfigMap rivven-connect-{name}-config, key pipeline.yaml,
//     the pipeline file in the format the rivven-connect binary reads;
//   - deployment: Deployment rivven-connect-{name}, running
//     `-c /config/pipeline.yaml run` after an init container ran
//     `-c /config/pipeline.yaml validate` with the same image, so a bad file
//     stops the pod with the binary's own message;
//   - service: Service rivven-connect-{name} with the health and metrics
//     ports (omitted when neither server runs);
//   - servicemonitor: ServiceMonitor rivven-connect-{name}, when asked.
//
// Decisions:
//
// Connector names. The API accepts the product card's spellings and
// package pipeline writes rivven-connect's registry names: kafka-source and
// kafka-sink become kafka, mqtt-source mqtt, sqs-source sqs, pubsub-source
// pubsub; azure-blob stays azure-blob with provider azure (gcs: provider
// gcs, s3: provider s3), because rivven-connect picks the object store by
// provider alone; an http sink with a typed http block becomes
// http-webhook, the connector that honours method, timeout and headers (an
// http sink without one stays rivven-connect's built-in http poster). Any
// other name is passed through with a warning.
//
// Secrets. The function never reads a Secret. Each configSecretRef is
// exposed through envFrom with the prefix RIVVEN_SOURCE_<NAME>__ or
// RIVVEN_SINK_<NAME>__ (NAME upper-cased, '-' as '_'); connector names
// cannot contain "__", so no two connectors share a variable. The pipeline
// file refers to conventional keys (postgres-cdc: host, port, database,
// user, password; mysql-cdc: host, port, user, password; kafka:
// sasl_password; mqtt: password; sqs and s3: access_key_id,
// secret_access_key; pubsub: credentials_json; azure-blob: access_key;
// redshift: password) as ${VAR}; a key it needs without a default is also
// referenced through secretKeyRef, so a missing key stops the pod with
// Kubernetes' "couldn't find key" message rather than running with an empty
// value. Each Secret is mounted read-only under
// /etc/rivven-connect/secrets/{sources|sinks}/<name>/ for file credentials.
// A literal credential in a generic config block is a Fatal result.
//
// Cluster. The RivvenCluster is a required resource (matched by name in
// clusterRef's namespace, defaulting to the RivvenConnect's). While it is
// missing or not Ready nothing new is composed and already observed
// resources are re-declared unchanged: Crossplane deletes every composed
// resource absent from the desired state, and a broker restart must not
// delete a running pipeline. The ClusterReady condition and status.phase
// WaitingForCluster say why, and the composite is held not ready.
//
// Readiness. rivven-connect's /health and /ready answer 503 whatever the
// pipeline does (0.0.22 never marks the broker connected nor a connector
// running) and /live says only that the process serves. So the liveness
// probe is GET /live and the readiness probe runs `rivven-connect -c
// /config/pipeline.yaml check` in the container (broker within 5 s,
// postgres-cdc and http-webhook reachable). The Deployment's availability,
// and with it status.phase Running, the WorkersReady condition and the
// composite's readiness, is therefore that check passing in every worker.
package connect
