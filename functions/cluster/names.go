package cluster

import (
	"fmt"

	"github.com/crossplane/function-sdk-go/resource"

	"github.com/rivven/crossplane-rivven/functions/internal/applabels"
)

// Composition-resource names: the keys of the desired composed resources.
// Crossplane records them in the crossplane.io/composition-resource-name
// annotation, so they must never change once released.
const (
	KeyStatefulSet     resource.Name = "statefulset"
	KeyHeadlessService resource.Name = "headless-service"
	KeyClientService   resource.Name = "client-service"
	KeyConfigMap       resource.Name = "configmap"
	KeyPDB             resource.Name = "pdb"
	KeyAuthSecret      resource.Name = "auth-secret"
	KeyServiceMonitor  resource.Name = "servicemonitor"
	KeyProviderConfig  resource.Name = "providerconfig"
)

// Ports and paths of rivvend (see the rivvend flags: --bind, --cluster-bind,
// --api-bind). Metrics are served on the API port; nothing listens on 9090.
const (
	PortClient  int32 = 9092
	PortCluster int32 = 9093
	PortAPI     int32 = 9094

	PortNameClient  = "client"
	PortNameCluster = "cluster"
	PortNameSWIM    = "swim"
	PortNameAPI     = "http"

	HealthPath  = "/health"
	MetricsPath = "/metrics"

	DataDir          = "/data"
	TLSDir           = "/etc/rivven/tls"
	TmpDir           = "/tmp"
	AuthKey          = "cluster-auth-token"
	TerminationGrace = 45
)

// Labels of the composed objects beyond the shared convention
// (applabels).
const (
	LabelService = "rivven.io/service"

	AppName   = "rivven"
	Component = "broker"
)

func stsName(name string) string             { return "rivven-" + name }
func clientServiceName(name string) string   { return "rivven-" + name }
func headlessServiceName(name string) string { return "rivven-" + name + "-headless" }
func configMapName(name string) string       { return "rivven-" + name + "-config" }
func pdbName(name string) string             { return "rivven-" + name + "-pdb" }
func authSecretName(name string) string      { return "rivven-" + name + "-auth" }
func serviceMonitorName(name string) string  { return "rivven-" + name }

// clientHost is the DNS name of the client Service, which is also the name
// a TLS certificate must cover.
func clientHost(name, ns string) string { return fmt.Sprintf("%s.%s.svc", clientServiceName(name), ns) }

// BootstrapServers is the client address of a cluster: the contract that
// status.bootstrapServers and the composed ProviderConfig both publish.
func BootstrapServers(name, ns string) string {
	return fmt.Sprintf("%s:%d", clientHost(name, ns), PortClient)
}

// podHost is the stable DNS name of one broker pod behind the headless
// Service.
func podHost(name, ns string, ordinal int32) string {
	return fmt.Sprintf("%s-%d.%s.%s.svc", stsName(name), ordinal, headlessServiceName(name), ns)
}

// selectorLabels select the broker pods. A StatefulSet selector is
// immutable, so these must never change.
func selectorLabels(name string) map[string]string {
	return map[string]string{applabels.Name: AppName, applabels.Instance: name, applabels.Component: Component}
}

// commonLabels go on every composed object.
func commonLabels(name string) map[string]string {
	return applabels.Common(selectorLabels(name), Component)
}
