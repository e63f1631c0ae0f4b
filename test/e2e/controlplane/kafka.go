package controlplane

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
)

// KafkaPort is the client port of the first broker: the port the composed
// ProviderConfig names (rivven-{name}.{ns}.svc:9092).
const KafkaPort = 9092

// startKafka starts a three-broker kfake cluster in plaintext on KafkaHost,
// ports 9092-9094, so the ProviderConfig function-rivven-cluster composes
// works unchanged: it dials the client port without TLS, as every supported
// rivvend serves it (test/broker). The brokers' key pair is still issued for
// the cluster's rivven-tls Secret. The provider reaches the Service names
// through its own /etc/hosts (see startRuntimes), nothing else on the
// machine changes.
func (c *ControlPlane) startKafka(context.Context) error {
	names := append([]string{c.opts.KafkaHost}, c.opts.BrokerNames...)
	for _, n := range c.opts.BrokerNames {
		names = append(names, "*."+strings.Replace(n, ".", "-headless.", 1))
	}
	kp, err := c.CA.Issue("rivven-broker", nil, names...)
	if err != nil {
		return err
	}
	c.BrokerTLS = kp
	if err := c.CA.WriteDir(filepath.Join(c.dir, "pki", "broker"), kp); err != nil {
		return err
	}
	host := c.opts.KafkaHost
	k, err := kfake.NewCluster(
		kfake.NumBrokers(3),
		kfake.Ports(KafkaPort, KafkaPort+1, KafkaPort+2),
		kfake.ListenFn(func(network, addr string) (net.Listener, error) {
			_, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			return net.Listen(network, net.JoinHostPort(host, port))
		}),
	)
	if err != nil {
		return fmt.Errorf("kfake on %s:%d-%d: %w", host, KafkaPort, KafkaPort+2, err)
	}
	c.Kafka = k
	c.KafkaAddrs = k.ListenAddrs()
	c.logf("kfake brokers on %s (plaintext, names %s)", strings.Join(c.KafkaAddrs, ", "), strings.Join(c.opts.BrokerNames, ", "))
	return c.writeHosts()
}

// writeHosts writes the hosts file the provider sees as /etc/hosts: the
// machine's own entries plus the broker Service names on KafkaHost.
func (c *ControlPlane) writeHosts() error {
	base, err := os.ReadFile("/etc/hosts")
	if err != nil {
		return err
	}
	var b strings.Builder
	b.Write(base)
	if len(base) > 0 && base[len(base)-1] != '\n' {
		b.WriteByte('\n')
	}
	for _, n := range c.opts.BrokerNames {
		fmt.Fprintf(&b, "%s %s %s.cluster.local\n", c.opts.KafkaHost, n, n)
	}
	return os.WriteFile(c.hostsFile(), []byte(b.String()), 0o644)
}

func (c *ControlPlane) hostsFile() string { return filepath.Join(c.dir, "hosts") }
