package rivven

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// defaults are the values rivvend 0.0.22 describes for a topic nobody
// configured (rivven-core's topic_config.rs).
var defaults = map[string]string{
	"retention.ms": "604800000", "retention.bytes": "-1", "max.message.bytes": "1048576", "segment.bytes": "1073741824",
	"segment.ms": "604800000", "cleanup.policy": "delete", "min.insync.replicas": "1", "compression.type": "producer",
}

func observed(configs map[string]string) admin.Topic {
	t := admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: Copies, Configs: map[string]string{}, Defaults: map[string]string{}}
	for k, v := range defaults {
		if c, ok := configs[k]; ok {
			t.Configs[k] = c
		} else {
			t.Defaults[k] = v
		}
	}
	return t
}

func TestCompute(t *testing.T) {
	acl := admin.ACL{Principal: "User:order-service", Host: "*", Operation: "Read", Permission: admin.PermissionAllow}
	cases := map[string]struct {
		desired, observed admin.Topic
		want              admin.Plan
	}{
		"InSync": {
			desired:  admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: 1, Configs: map[string]string{"compression.type": "lz4"}},
			observed: observed(map[string]string{"compression.type": "lz4"}),
		},
		// A spec value equal to rivvend's default is described as a
		// default: nothing to set, and nothing to reset either.
		"SpecSetsTheDefault": {
			desired:  admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: 1, Configs: map[string]string{"retention.ms": "604800000", "cleanup.policy": "delete"}},
			observed: observed(nil),
		},
		// After a broker restart every value is rivvend's default again.
		"LostByRestart": {
			desired:  admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: 1, Configs: map[string]string{"compression.type": "lz4", "min.insync.replicas": "2"}},
			observed: observed(nil),
			want:     admin.Plan{SetConfigs: map[string]string{"compression.type": "lz4", "min.insync.replicas": "2"}},
		},
		"KeyRemovedFromSpecIsReset": {
			desired:  admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: 1, Configs: map[string]string{}},
			observed: observed(map[string]string{"compression.type": "lz4", "segment.ms": "1000"}),
			want:     admin.Plan{DeleteConfigs: []string{"compression.type", "segment.ms"}},
		},
		// rivvend describes "delete,compact" as "compact,delete" and enums
		// in lower case.
		"EquivalentSpellings": {
			desired:  admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: 1, Configs: map[string]string{"cleanup.policy": "delete,compact", "compression.type": "LZ4", "retention.ms": "+100"}},
			observed: observed(map[string]string{"cleanup.policy": "compact,delete", "compression.type": "lz4", "retention.ms": "100"}),
		},
		"Grow": {
			desired:  admin.Topic{Name: "orders", Partitions: 24, ReplicationFactor: 1},
			observed: observed(nil),
			want:     admin.Plan{Partitions: 24},
		},
		"Shrink": {
			desired:  admin.Topic{Name: "orders", Partitions: 6, ReplicationFactor: 1},
			observed: observed(nil),
			want:     admin.Plan{Refused: []string{"spec.partitions is 6 but topic \"orders\" has 12 partitions and rivvend cannot remove partitions; set spec.partitions to 12 or more"}},
		},
		// The seed's orders-events: three copies and two ACL entries
		// asked, neither of which rivvend can hold. They are reported,
		// never refused: the rest of the topic is applied.
		"WhatRivvenCannotHold": {
			desired:  admin.Topic{Name: "orders", Partitions: 12, ReplicationFactor: 3, ACLs: []admin.ACL{acl}, Configs: map[string]string{"compression.type": "lz4"}},
			observed: observed(nil),
			want: admin.Plan{
				SetConfigs: map[string]string{"compression.type": "lz4"},
				NotApplied: []admin.NotApplied{{Field: "spec.replicationFactor", Reason: reasonNoReplicationFactor}, {Field: "spec.acls", Reason: reasonNoACLs}},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Compute(tc.desired, tc.observed)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Compute(): -want +got:\n%s", diff)
			}
			if got.Empty() != (tc.want.Partitions == 0 && len(tc.want.SetConfigs) == 0 && len(tc.want.DeleteConfigs) == 0 && len(tc.want.Refused) == 0) {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	cases := map[string]struct {
		cfg     map[string]string
		wantErr []string
	}{
		"EveryKeyAtItsBound": {cfg: map[string]string{
			"retention.ms": "-1", "retention.bytes": "-1", "max.message.bytes": "1", "segment.bytes": "1024",
			"segment.ms": "-1", "min.insync.replicas": "1", "cleanup.policy": "compact,delete", "compression.type": "none",
		}},
		"CaseInsensitiveEnums": {cfg: map[string]string{"cleanup.policy": "Compact", "compression.type": "ZSTD"}},
		"KafkaOnlyKey":         {cfg: map[string]string{"delete.retention.ms": "1"}, wantErr: []string{`spec.config["delete.retention.ms"]: rivvend accepts only the topic config keys cleanup.policy, compression.type,`}},
		"KafkaSpelling":        {cfg: map[string]string{"compression.type": "uncompressed"}, wantErr: []string{`spec.config["compression.type"]: value "uncompressed" is not one of none, producer`}},
		"SpacesInPolicy":       {cfg: map[string]string{"cleanup.policy": "compact, delete"}, wantErr: []string{`"compact, delete" is not one of`}},
		"BelowMinimum":         {cfg: map[string]string{"segment.bytes": "1023", "max.message.bytes": "0"}, wantErr: []string{`["max.message.bytes"]: value 0 is below the minimum 1`, `["segment.bytes"]: value 1023 is below the minimum 1024`}},
		// Rust's str::parse takes no spaces; min.insync.replicas is an i32.
		"NotRustIntegers": {cfg: map[string]string{"retention.ms": " 1", "min.insync.replicas": "4294967296"}, wantErr: []string{`["min.insync.replicas"]: value "4294967296" is not a 32-bit integer`, `["retention.ms"]: value " 1" is not a 64-bit integer`}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			err := ValidateConfig("spec.config", tc.cfg)
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("ValidateConfig(): %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("ValidateConfig(): no error")
			}
			for _, w := range tc.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}
