// Package cluster is function-rivven-cluster: a Crossplane composition
// function that expands a RivvenCluster into the Kubernetes objects that run
// a Rivven broker cluster with the real rivvend binary.
//
// The package is split into pure builders (spec in, objects out; one file per
// object), build.go which assembles them with their readiness, and the thin
// RunFunction glue in fn.go that reads the request and writes the response.
//
// # Composed resources
//
// Keyed by composition-resource name (see names.go):
//
//	statefulset       StatefulSet rivven-{name}
//	headless-service  Service rivven-{name}-headless (publishNotReadyAddresses)
//	client-service    Service rivven-{name}
//	configmap         ConfigMap rivven-{name}-config (the RIVVEN_* settings)
//	auth-secret       Secret rivven-{name}-auth (key cluster-auth-token)
//	pdb               PodDisruptionBudget rivven-{name}-pdb (unless disabled)
//	servicemonitor    ServiceMonitor rivven-{name} (when asked)
//	providerconfig    rivven.io ProviderConfig {name} for RivvenTopics
//
// # Modes and the Raft bootstrap
//
// One replica runs rivvend standalone: it is its own Raft leader and turns
// ready by itself. Two or more run in cluster mode, where GET /health (the
// readiness probe) answers 503 until the Raft group has a leader, and
// rivvend never forms a new group on its own: an operator calls
// POST /api/v1/bootstrap once, on one broker, listing every broker. The
// brokers' node ids are their pod names, and each address is the broker's
// API base URL over the headless Service (https when spec.tls is on):
//
//	TOKEN=$(kubectl -n NS get secret rivven-NAME-auth -o jsonpath='{.data.cluster-auth-token}' | base64 -d)
//	kubectl -n NS port-forward pod/rivven-NAME-0 9094 &
//	curl -X POST http://localhost:9094/api/v1/bootstrap \
//	  -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
//	  -d '{"members":[
//	    {"node_id":"rivven-NAME-0","addr":"http://rivven-NAME-0.rivven-NAME-headless.NS.svc:9094"},
//	    {"node_id":"rivven-NAME-1","addr":"http://rivven-NAME-1.rivven-NAME-headless.NS.svc:9094"},
//	    {"node_id":"rivven-NAME-2","addr":"http://rivven-NAME-2.rivven-NAME-headless.NS.svc:9094"}]}'
//
// Brokers added by a later scale-up join the Raft group through
// POST /api/v1/add-learner and /api/v1/change-membership on the leader. The
// function does not automate these calls: a composition function must not
// reach into the cluster, and a Job would need an image with an HTTP client
// (the rivvend image has no shell). Until then the RivvenCluster reports
// BrokersReady False with reason AwaitingRaftBootstrap and says what to do.
package cluster
