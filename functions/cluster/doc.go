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
// # Modes
//
// One replica runs rivvend standalone: it is its own Raft leader and turns
// ready by itself. This is the default, and the only mode the supported
// releases start in. Two or more replicas run rivvend's cluster mode, which
// every supported release fails at startup (exit code 1, its Raft log
// database opened at a directory; test/broker runs it): the function still
// composes the brokers as asked, warns on spec.replicas with the observed
// failure, reports phase Unsupported and BrokersReady False with reason
// ClusterModeUnsupported, and never claims progress. The Raft bootstrap
// (POST /api/v1/bootstrap, then add-learner and change-membership on the
// leader) is therefore not automated: there is no running broker to call.
// A release that starts cluster mode makes test/broker fail, which is the
// signal to lift the Warning and automate membership.
//
// # Status from the pods
//
// The broker pods are a required resource (broker-pods). A broker that is
// not running for a reason Kubernetes reports (CrashLoopBackOff with its
// exit code and restarts, ImagePullBackOff, CreateContainerConfigError,
// Unschedulable) is named on BrokersReady with reason BrokerNotRunning.
package cluster
