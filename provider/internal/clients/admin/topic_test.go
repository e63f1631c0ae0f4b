package admin

import (
	"strings"
	"testing"
)

func TestNormalizePrincipal(t *testing.T) {
	cases := map[string]struct {
		in, want string
		err      bool
	}{
		"SeedLowerCase": {in: "user:order-service", want: "User:order-service"},
		"Kafka":         {in: "User:analytics", want: "User:analytics"},
		"Wildcard":      {in: "User:*", want: "User:*"},
		"NameKeepsCase": {in: "USER:Bob", want: "User:Bob"},
		"NoType":        {in: "bob", err: true},
		"OtherType":     {in: "Group:x", err: true},
		"EmptyName":     {in: "User:", err: true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, err := NormalizePrincipal(tc.in)
			if (err != nil) != tc.err || got != tc.want {
				t.Errorf("NormalizePrincipal(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
			}
		})
	}
}

func TestFingerprintChangesWithSecrets(t *testing.T) {
	a := Connection{BootstrapServers: []string{"b:9092"}, SASL: &SASL{Mechanism: "PLAIN", Username: "u", Password: "p1"}}
	b := a
	b.SASL = &SASL{Mechanism: "PLAIN", Username: "u", Password: "p2"}
	if a.Fingerprint() == b.Fingerprint() {
		t.Error("a password change must change the fingerprint")
	}
	if a.Fingerprint() != (Connection{BootstrapServers: []string{"b:9092"}, SASL: &SASL{Mechanism: "PLAIN", Username: "u", Password: "p1"}}).Fingerprint() {
		t.Error("equal connections must have equal fingerprints")
	}
	if strings.Contains(a.Fingerprint(), "p1") {
		t.Error("fingerprint must not contain the password")
	}
}
