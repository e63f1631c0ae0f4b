package rivven

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// keyRule is how rivvend 0.0.22 parses and bounds one topic config key
// (rivven-core's topic_config.rs, PROTOCOL.md §3.6).
type keyRule struct {
	// min is the smallest accepted integer; allowed lists an enum's values.
	min     int64
	bits    int
	allowed []string
}

// configKeys are exactly the keys rivvend accepts in AlterTopicConfig; it
// answers any other with "Unknown configuration key". Integers are parsed
// as Rust parses them: an optional sign and digits, nothing else.
var configKeys = map[string]keyRule{
	"retention.ms":        {min: -1, bits: 64},
	"retention.bytes":     {min: -1, bits: 64},
	"max.message.bytes":   {min: 1, bits: 64},
	"segment.bytes":       {min: 1024, bits: 64},
	"segment.ms":          {min: -1, bits: 64},
	"min.insync.replicas": {min: 1, bits: 32},
	"cleanup.policy":      {allowed: []string{"delete", "compact", "compact,delete", "delete,compact"}},
	"compression.type":    {allowed: []string{"none", "producer", "lz4", "zstd", "snappy", "gzip"}},
}

// ConfigKeys are the keys rivvend accepts, sorted.
func ConfigKeys() []string { return slices.Sorted(maps.Keys(configKeys)) }

// ValidateConfig checks every key and value against what rivvend accepts,
// so that nothing it would refuse is sent: rivvend applies an
// AlterTopicConfig entry by entry and keeps the entries before a bad one,
// so a refused request would leave a topic half configured. field is the
// spec path the keys came from. All problems are reported together.
func ValidateConfig(field string, cfg map[string]string) error {
	var problems []string
	for _, k := range slices.Sorted(maps.Keys(cfg)) {
		if err := validateValue(k, cfg[k]); err != nil {
			problems = append(problems, fmt.Sprintf("%s[%q]: %v", field, k, err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid topic configuration for rivvend: %s", strings.Join(problems, "; "))
	}
	return nil
}

func validateValue(key, v string) error {
	rule, ok := configKeys[key]
	if !ok {
		return fmt.Errorf("rivvend accepts only the topic config keys %s", strings.Join(ConfigKeys(), ", "))
	}
	if rule.allowed != nil {
		if !slices.Contains(rule.allowed, strings.ToLower(v)) {
			return fmt.Errorf("value %q is not one of %s", v, strings.Join(rule.allowed, ", "))
		}
		return nil
	}
	n, err := strconv.ParseInt(v, 10, rule.bits)
	if err != nil {
		return fmt.Errorf("value %q is not a %d-bit integer", v, rule.bits)
	}
	if n < rule.min {
		return fmt.Errorf("value %d is below the minimum %d", n, rule.min)
	}
	return nil
}

// configEqual compares a desired and an observed value as rivvend means
// them: enums case-insensitively, cleanup.policy as a set (rivvend describes
// "delete,compact" as "compact,delete"), integers by value.
func configEqual(key, desired, observed string) bool {
	if desired == observed {
		return true
	}
	rule := configKeys[key]
	if rule.allowed != nil {
		a, b := strings.Split(strings.ToLower(desired), ","), strings.Split(strings.ToLower(observed), ",")
		slices.Sort(a)
		slices.Sort(b)
		return slices.Equal(a, b)
	}
	x, errA := strconv.ParseInt(desired, 10, 64)
	y, errB := strconv.ParseInt(observed, 10, 64)
	return errA == nil && errB == nil && x == y
}
