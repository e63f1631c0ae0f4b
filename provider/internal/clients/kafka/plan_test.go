package kafka

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCompute(t *testing.T) {
	read := ACL{Principal: "User:a", Host: "*", Operation: "Read", Permission: PermissionAllow}
	deny := ACL{Principal: "User:b", Host: "*", Operation: "Write", Permission: PermissionDeny}
	base := Topic{Name: "t", Partitions: 3, ReplicationFactor: 2, Configs: map[string]string{"retention.ms": "1000"}, ACLs: []ACL{read}}
	with := func(fn func(*Topic)) Topic {
		c := base
		c.Configs = map[string]string{}
		for k, v := range base.Configs {
			c.Configs[k] = v
		}
		c.ACLs = append([]ACL(nil), base.ACLs...)
		fn(&c)
		return c
	}
	cases := map[string]struct {
		desired, observed Topic
		want              Plan
		refused           int
	}{
		"InSync":             {desired: base, observed: base},
		"Grow":               {desired: with(func(t *Topic) { t.Partitions = 6 }), observed: base, want: Plan{Partitions: 6}},
		"ShrinkRefused":      {desired: with(func(t *Topic) { t.Partitions = 1 }), observed: base, refused: 1},
		"RFRefused":          {desired: with(func(t *Topic) { t.ReplicationFactor = 3 }), observed: base, refused: 1},
		"ConfigChanged":      {desired: base, observed: with(func(t *Topic) { t.Configs["retention.ms"] = "5" }), want: Plan{SetConfigs: map[string]string{"retention.ms": "1000"}}},
		"ConfigAddedOOB":     {desired: base, observed: with(func(t *Topic) { t.Configs["segment.ms"] = "5" }), want: Plan{DeleteConfigs: []string{"segment.ms"}}},
		"ConfigNew":          {desired: with(func(t *Topic) { t.Configs["cleanup.policy"] = "compact" }), observed: base, want: Plan{SetConfigs: map[string]string{"cleanup.policy": "compact"}}},
		"ListOrderIgnored":   {desired: with(func(t *Topic) { t.Configs["cleanup.policy"] = "delete,compact" }), observed: with(func(t *Topic) { t.Configs["cleanup.policy"] = "compact,delete" })},
		"ACLRemovedOOB":      {desired: base, observed: with(func(t *Topic) { t.ACLs = nil }), want: Plan{AddACLs: []ACL{read}}},
		"ACLAddedOOB":        {desired: base, observed: with(func(t *Topic) { t.ACLs = append(t.ACLs, deny) }), want: Plan{RemoveACLs: []ACL{deny}}},
		"DenyIsNotAllow":     {desired: with(func(t *Topic) { t.ACLs = []ACL{deny} }), observed: with(func(t *Topic) { d := deny; d.Permission = PermissionAllow; t.ACLs = []ACL{d} }), want: Plan{AddACLs: []ACL{deny}, RemoveACLs: []ACL{{Principal: "User:b", Host: "*", Operation: "Write", Permission: PermissionAllow}}}},
		"RefusalKeepsOthers": {desired: with(func(t *Topic) { t.Partitions = 1; t.Configs["retention.ms"] = "9" }), observed: base, want: Plan{SetConfigs: map[string]string{"retention.ms": "9"}}, refused: 1},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Compute(tc.desired, tc.observed)
			if len(got.Refused) != tc.refused {
				t.Errorf("Refused = %q, want %d entries", got.Refused, tc.refused)
			}
			got.Refused = nil
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Compute() -want +got:\n%s", diff)
			}
			if empty := tc.want.Empty() && tc.refused == 0; Compute(tc.desired, tc.observed).Empty() != empty {
				t.Errorf("Empty() = %v, want %v", !empty, empty)
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	cases := map[string]struct {
		cfg     map[string]string
		wantErr string
	}{
		"Valid":        {cfg: map[string]string{"retention.ms": "-1", "cleanup.policy": "compact,delete", "min.cleanable.dirty.ratio": "0.5", "preallocate": "true"}},
		"UnknownKey":   {cfg: map[string]string{"retention.msec": "1"}, wantErr: `f["retention.msec"]: not a Kafka topic configuration key`},
		"NotInteger":   {cfg: map[string]string{"retention.ms": "7d"}, wantErr: `f["retention.ms"]: value "7d" is not a 64-bit integer`},
		"TooBigForInt": {cfg: map[string]string{"max.message.bytes": "9999999999"}, wantErr: `is not a 32-bit integer`},
		"BelowMinimum": {cfg: map[string]string{"min.insync.replicas": "0"}, wantErr: `value 0 is below the minimum 1`},
		"BadEnum":      {cfg: map[string]string{"compression.type": "brotli"}, wantErr: `"brotli" is not one of`},
		"BadList":      {cfg: map[string]string{"cleanup.policy": "delete,archive"}, wantErr: `has "archive"`},
		"BadBool":      {cfg: map[string]string{"preallocate": "yes"}, wantErr: `not true or false`},
		"BadRatio":     {cfg: map[string]string{"min.cleanable.dirty.ratio": "2"}, wantErr: `not between 0 and 1`},
		"AllReported":  {cfg: map[string]string{"a.b": "1", "z.y": "2"}, wantErr: `f["a.b"]: not a Kafka topic configuration key; f["z.y"]`},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := ValidateConfig("f", tc.cfg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ValidateConfig() = %v, want nil", err)
				}
				return
			}
			if err == nil || !contains(err.Error(), tc.wantErr) {
				t.Fatalf("ValidateConfig() = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}

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
	if contains(a.Fingerprint(), "p1") {
		t.Error("fingerprint must not contain the password")
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
