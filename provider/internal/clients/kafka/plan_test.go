package kafka

import (
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCompute(t *testing.T) {
	read := admin.ACL{Principal: "User:a", Host: "*", Operation: "Read", Permission: admin.PermissionAllow}
	deny := admin.ACL{Principal: "User:b", Host: "*", Operation: "Write", Permission: admin.PermissionDeny}
	base := admin.Topic{Name: "t", Partitions: 3, ReplicationFactor: 2, Configs: map[string]string{"retention.ms": "1000"}, ACLs: []admin.ACL{read}}
	with := func(fn func(*admin.Topic)) admin.Topic {
		c := base
		c.Configs = map[string]string{}
		for k, v := range base.Configs {
			c.Configs[k] = v
		}
		c.ACLs = append([]admin.ACL(nil), base.ACLs...)
		fn(&c)
		return c
	}
	cases := map[string]struct {
		desired, observed admin.Topic
		want              admin.Plan
		refused           int
	}{
		"InSync":             {desired: base, observed: base},
		"Grow":               {desired: with(func(t *admin.Topic) { t.Partitions = 6 }), observed: base, want: admin.Plan{Partitions: 6}},
		"ShrinkRefused":      {desired: with(func(t *admin.Topic) { t.Partitions = 1 }), observed: base, refused: 1},
		"RFRefused":          {desired: with(func(t *admin.Topic) { t.ReplicationFactor = 3 }), observed: base, refused: 1},
		"ConfigChanged":      {desired: base, observed: with(func(t *admin.Topic) { t.Configs["retention.ms"] = "5" }), want: admin.Plan{SetConfigs: map[string]string{"retention.ms": "1000"}}},
		"ConfigAddedOOB":     {desired: base, observed: with(func(t *admin.Topic) { t.Configs["segment.ms"] = "5" }), want: admin.Plan{DeleteConfigs: []string{"segment.ms"}}},
		"ConfigNew":          {desired: with(func(t *admin.Topic) { t.Configs["cleanup.policy"] = "compact" }), observed: base, want: admin.Plan{SetConfigs: map[string]string{"cleanup.policy": "compact"}}},
		"ListOrderIgnored":   {desired: with(func(t *admin.Topic) { t.Configs["cleanup.policy"] = "delete,compact" }), observed: with(func(t *admin.Topic) { t.Configs["cleanup.policy"] = "compact,delete" })},
		"ACLRemovedOOB":      {desired: base, observed: with(func(t *admin.Topic) { t.ACLs = nil }), want: admin.Plan{AddACLs: []admin.ACL{read}}},
		"ACLAddedOOB":        {desired: base, observed: with(func(t *admin.Topic) { t.ACLs = append(t.ACLs, deny) }), want: admin.Plan{RemoveACLs: []admin.ACL{deny}}},
		"DenyIsNotAllow":     {desired: with(func(t *admin.Topic) { t.ACLs = []admin.ACL{deny} }), observed: with(func(t *admin.Topic) { d := deny; d.Permission = admin.PermissionAllow; t.ACLs = []admin.ACL{d} }), want: admin.Plan{AddACLs: []admin.ACL{deny}, RemoveACLs: []admin.ACL{{Principal: "User:b", Host: "*", Operation: "Write", Permission: admin.PermissionAllow}}}},
		"RefusalKeepsOthers": {desired: with(func(t *admin.Topic) { t.Partitions = 1; t.Configs["retention.ms"] = "9" }), observed: base, want: admin.Plan{SetConfigs: map[string]string{"retention.ms": "9"}}, refused: 1},
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
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("ValidateConfig() = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}
