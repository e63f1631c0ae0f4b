package controlplane

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"

	"github.com/twmb/franz-go/pkg/kfake"
)

// KafkaPort is the client port of the first kfake broker.
const KafkaPort = 9092

// startKafka starts a three-broker kfake cluster (franz-go's Kafka protocol
// server) in plaintext on KafkaHost, ports 9092-9094: an external
// Kafka-compatible cluster, which a hand-written ProviderConfig with
// protocol: Kafka names by address, so the provider's Kafka path is proven
// end to end beside the Rivven one. It also issues the brokers' key pair for
// the seed cluster's rivven-tls Secret (rivvend's client port is plaintext
// in every supported release, so nothing serves it).
func (c *ControlPlane) startKafka(context.Context) error {
	names := append([]string(nil), c.opts.BrokerNames...)
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
	c.logf("kfake brokers on %s (plaintext; the Kafka path's hand-written ProviderConfig names them)", strings.Join(c.KafkaAddrs, ", "))
	return nil
}

func (c *ControlPlane) hostsFile() string { return filepath.Join(c.dir, "hosts") }
