package topic

import (
	"fmt"
	"strconv"

	"github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// ConfigValidator checks the configs set at a spec field against what the
// cluster's brokers accept (admin.Admin.Validate).
type ConfigValidator func(field string, configs map[string]string) error

// Desired turns a RivvenTopic spec into the topic the broker should hold,
// checking every config key and value (with validate, the rules of the
// cluster's protocol) and every ACL so nothing invalid is ever sent. Errors
// name the spec field.
func Desired(cr *v1alpha1.RivvenTopic, validate ConfigValidator) (admin.Topic, error) {
	// 0 means "not set": the broker's default applies.
	t := admin.Topic{Name: cr.KafkaTopicName(), Configs: map[string]string{}}
	if p := cr.Spec.Partitions; p != nil {
		if *p < 1 {
			return admin.Topic{}, fmt.Errorf("spec.partitions must be at least 1, not %d", *p)
		}
		t.Partitions = *p
	}
	if rf := cr.Spec.ReplicationFactor; rf != nil {
		if *rf < 1 || *rf > 32767 {
			return admin.Topic{}, fmt.Errorf("spec.replicationFactor must be between 1 and 32767, not %d", *rf)
		}
		t.ReplicationFactor = *rf
	}
	if c := cr.Spec.Config; c != nil {
		for k, v := range c.AdditionalConfig {
			t.Configs[k] = v
		}
		if err := validate("spec.config.additionalConfig", t.Configs); err != nil {
			return admin.Topic{}, err
		}
		typed := map[string]string{}
		setInt := func(key string, v *int64) {
			if v != nil {
				typed[key] = strconv.FormatInt(*v, 10)
			}
		}
		setInt("retention.ms", c.RetentionMs)
		setInt("retention.bytes", c.RetentionBytes)
		if c.MinInsyncReplicas != nil {
			setInt("min.insync.replicas", ptr(int64(*c.MinInsyncReplicas)))
		}
		if c.SegmentBytes != nil {
			setInt("segment.bytes", ptr(int64(*c.SegmentBytes)))
		}
		if c.MaxMessageBytes != nil {
			setInt("max.message.bytes", ptr(int64(*c.MaxMessageBytes)))
		}
		if c.CleanupPolicy != nil {
			typed["cleanup.policy"] = string(*c.CleanupPolicy)
		}
		if c.CompressionType != nil {
			typed["compression.type"] = string(*c.CompressionType)
		}
		if err := validate("spec.config", typed); err != nil {
			return admin.Topic{}, err
		}
		for k, v := range typed {
			if _, dup := t.Configs[k]; dup {
				return admin.Topic{}, fmt.Errorf("spec.config.additionalConfig[%q] duplicates a typed field of spec.config; set it there only", k)
			}
			t.Configs[k] = v
		}
	}
	seen := map[admin.ACL]int{}
	for i, a := range cr.Spec.ACLs {
		field := fmt.Sprintf("spec.acls[%d]", i)
		ops := make([]string, len(a.Operations))
		for j, op := range a.Operations {
			ops[j] = string(op)
		}
		entries, err := admin.ExpandACL(field, a.Principal, a.Host, string(a.PermissionType), ops)
		if err != nil {
			return admin.Topic{}, err
		}
		for _, e := range entries {
			if j, dup := seen[e]; dup {
				return admin.Topic{}, fmt.Errorf("%s duplicates spec.acls[%d] (%s %s %s from %s)", field, j, e.Permission, e.Principal, e.Operation, e.Host)
			}
			seen[e] = i
			t.ACLs = append(t.ACLs, e)
		}
	}
	t.ACLs = admin.SortACLs(t.ACLs)
	return t, nil
}

func ptr[T any](v T) *T { return &v }
