package topic

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kerr"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/sasl"
	"github.com/twmb/franz-go/pkg/sasl/plain"
	"github.com/twmb/franz-go/pkg/sasl/scram"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	pcv1alpha1 "github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

func secret(name string, data map[string]string) *corev1.Secret {
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Data: map[string][]byte{}}
	for k, v := range data {
		s.Data[k] = []byte(v)
	}
	return s
}

// TestSASLWithACLEnforcement: the provider authenticates with each SASL
// mechanism as a superuser of a broker that enforces ACLs, and the ACLs it
// writes really grant (and deny) access to other users.
func TestSASLWithACLEnforcement(t *testing.T) {
	for _, mech := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mech, func(t *testing.T) {
			e := newEnv(t, pcv1alpha1.ProviderConfigSpec{SASL: &pcv1alpha1.SASLConfig{
				Mechanism: pcv1alpha1.SASLMechanism(mech), Username: "admin",
				PasswordSecretRef: pcv1alpha1.SecretKeySelector{Name: "kafka-admin", Key: "password"},
			}}, []kfake.Opt{
				kfake.EnableSASL(), kfake.EnableACLs(),
				kfake.Superuser(mech, "admin", "admin-secret"),
				kfake.User(mech, "writer", "w"), kfake.User(mech, "other", "o"),
			}, secret("kafka-admin", map[string]string{"password": "admin-secret"}))
			cr := topic("payments", func(cr *v1alpha1.RivvenTopic) {
				cr.Spec.ACLs = []v1alpha1.ACL{
					// Everyone may write, except other: only the Deny keeps it out.
					{Principal: "user:*", Operations: []v1alpha1.ACLOperation{"Write", "Describe"}},
					{Principal: "User:other", Operations: []v1alpha1.ACLOperation{"Write"}, PermissionType: "Deny"},
				}
			})
			e.converge(cr)

			produce := func(user, pass string) error {
				cl, err := kgo.NewClient(kgo.SeedBrokers(e.cluster.ListenAddrs()...), kgo.SASL(mechanism(mech, user, pass)),
					kgo.RecordRetries(1), kgo.RequestRetries(1), kgo.ProduceRequestTimeout(2*time.Second), kgo.RecordDeliveryTimeout(5*time.Second))
				if err != nil {
					return err
				}
				defer cl.Close()
				ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
				defer cancel()
				return cl.ProduceSync(ctx, &kgo.Record{Topic: "payments", Value: []byte("x")}).FirstErr()
			}
			if err := produce("writer", "w"); err != nil {
				t.Errorf("writer is granted Write through User:* but produce failed: %v", err)
			}
			if err := produce("other", "o"); !errors.Is(err, kerr.TopicAuthorizationFailed) {
				t.Errorf("other is denied Write; produce error = %v, want TOPIC_AUTHORIZATION_FAILED", err)
			}
		})
	}
}

func mechanism(mech, user, pass string) interface {
	Name() string
	Authenticate(context.Context, string) (sasl.Session, []byte, error)
} {
	switch mech {
	case "PLAIN":
		return plain.Auth{User: user, Pass: pass}.AsMechanism()
	case "SCRAM-SHA-512":
		return scram.Auth{User: user, Pass: pass}.AsSha512Mechanism()
	}
	return scram.Auth{User: user, Pass: pass}.AsSha256Mechanism()
}

func TestAuthFailureIsACondition(t *testing.T) {
	e := newEnv(t, pcv1alpha1.ProviderConfigSpec{SASL: &pcv1alpha1.SASLConfig{
		Mechanism: "SCRAM-SHA-256", Username: "admin",
		PasswordSecretRef: pcv1alpha1.SecretKeySelector{Name: "kafka-admin", Key: "password"},
	}}, []kfake.Opt{kfake.EnableSASL(), kfake.Superuser("SCRAM-SHA-256", "admin", "right")},
		secret("kafka-admin", map[string]string{"password": "wrong"}))
	cr := topic("payments")
	obs, err := e.reconcile(cr)
	if err == nil || obs.ResourceExists {
		t.Fatalf("wrong password: exists=%v err=%v, want an error", obs.ResourceExists, err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error reveals the password: %v", err)
	}
	if !strings.Contains(err.Error(), `cannot observe topic "payments"`) {
		t.Errorf("error does not say what failed: %v", err)
	}
}

// TestTLS: a CA and a broker certificate made here; the provider verifies
// the broker against the CA from the Secret, and refuses a broker whose
// certificate the CA did not sign.
func TestTLS(t *testing.T) {
	caPEM, serverCert := newCA(t)
	kopts := []kfake.Opt{kfake.TLS(&tls.Config{Certificates: []tls.Certificate{serverCert}, MinVersion: tls.VersionTLS12})}
	pc := pcv1alpha1.ProviderConfigSpec{TLS: &pcv1alpha1.TLSConfig{CASecretRef: &pcv1alpha1.SecretKeySelector{Name: "kafka-ca", Key: "ca.crt"}}}
	t.Run("Verified", func(t *testing.T) {
		e := newEnv(t, pc, kopts, secret("kafka-ca", map[string]string{"ca.crt": caPEM}))
		e.converge(topic("secure"))
		if _, ok := e.brokerTopic("secure", kgo.DialTLSConfig(&tls.Config{InsecureSkipVerify: true})); !ok { //nolint:gosec // Test check only.
			t.Error("topic not created over TLS")
		}
	})
	t.Run("WrongCA", func(t *testing.T) {
		otherCA, _ := newCA(t)
		e := newEnv(t, pc, kopts, secret("kafka-ca", map[string]string{"ca.crt": otherCA}))
		if _, err := e.reconcile(topic("secure")); err == nil || !strings.Contains(err.Error(), "certificate") {
			t.Errorf("want a certificate verification error, got %v", err)
		}
	})
}

func newCA(t *testing.T) (string, tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	srv := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "broker"}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature}
	srvDER, err := x509.CreateCertificate(rand.Reader, srv, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})), tls.Certificate{Certificate: [][]byte{srvDER}, PrivateKey: key}
}
