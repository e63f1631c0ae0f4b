package kafka

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// valueKind is the type Kafka declares for a topic configuration key.
type valueKind int

const (
	kindInt      valueKind = iota // 32-bit integer
	kindLong                      // 64-bit integer
	kindDouble                    // floating point
	kindBool                      // true or false
	kindString                    // free text
	kindList                      // comma separated free text
	kindEnum                      // one of allowed
	kindEnumList                  // comma separated, each one of allowed
)

type keySpec struct {
	kind    valueKind
	min     int64 // for kindInt / kindLong
	allowed []string
}

// topicConfigKeys are the topic-level keys of the Kafka topic configuration
// reference (Kafka 3.x/4.x). A real broker rejects any other key, and rejects
// values of the wrong type; the in-process test broker does not, so the
// provider checks here first.
var topicConfigKeys = map[string]keySpec{
	"cleanup.policy":                          {kind: kindEnumList, allowed: []string{"compact", "delete"}},
	"compression.gzip.level":                  {kind: kindInt, min: -1},
	"compression.lz4.level":                   {kind: kindInt, min: 1},
	"compression.type":                        {kind: kindEnum, allowed: []string{"gzip", "lz4", "producer", "snappy", "uncompressed", "zstd"}}, // not rivvend's "none"
	"compression.zstd.level":                  {kind: kindInt, min: -131072},
	"delete.retention.ms":                     {kind: kindLong, min: 0},
	"file.delete.delay.ms":                    {kind: kindLong, min: 0},
	"flush.messages":                          {kind: kindLong, min: 1},
	"flush.ms":                                {kind: kindLong, min: 0},
	"follower.replication.throttled.replicas": {kind: kindList},
	"index.interval.bytes":                    {kind: kindInt, min: 0},
	"leader.replication.throttled.replicas":   {kind: kindList},
	"local.retention.bytes":                   {kind: kindLong, min: -2},
	"local.retention.ms":                      {kind: kindLong, min: -2},
	"max.compaction.lag.ms":                   {kind: kindLong, min: 1},
	"max.message.bytes":                       {kind: kindInt, min: 0},
	"message.downconversion.enable":           {kind: kindBool},
	"message.format.version":                  {kind: kindString},
	"message.timestamp.after.max.ms":          {kind: kindLong, min: 0},
	"message.timestamp.before.max.ms":         {kind: kindLong, min: 0},
	"message.timestamp.difference.max.ms":     {kind: kindLong, min: 0},
	"message.timestamp.type":                  {kind: kindEnum, allowed: []string{"CreateTime", "LogAppendTime"}},
	"min.cleanable.dirty.ratio":               {kind: kindDouble},
	"min.compaction.lag.ms":                   {kind: kindLong, min: 0},
	"min.insync.replicas":                     {kind: kindInt, min: 1},
	"preallocate":                             {kind: kindBool},
	"remote.log.copy.disable":                 {kind: kindBool},
	"remote.log.delete.on.disable":            {kind: kindBool},
	"remote.storage.enable":                   {kind: kindBool},
	"retention.bytes":                         {kind: kindLong, min: -1},
	"retention.ms":                            {kind: kindLong, min: -1},
	"segment.bytes":                           {kind: kindInt, min: 14},
	"segment.index.bytes":                     {kind: kindInt, min: 4},
	"segment.jitter.ms":                       {kind: kindLong, min: 0},
	"segment.ms":                              {kind: kindLong, min: 1},
	"unclean.leader.election.enable":          {kind: kindBool},
}

// ValidateConfig checks every key and value against the Kafka topic
// configuration reference. field is the path the keys came from, used in
// the error so the user knows what to fix. All problems are reported
// together, sorted by key.
func ValidateConfig(field string, cfg map[string]string) error {
	keys := make([]string, 0, len(cfg))
	for k := range cfg {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var problems []string
	for _, k := range keys {
		if err := validateValue(k, cfg[k]); err != nil {
			problems = append(problems, fmt.Sprintf("%s[%q]: %v", field, k, err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("invalid topic configuration: %s", strings.Join(problems, "; "))
	}
	return nil
}

func validateValue(key, v string) error {
	spec, ok := topicConfigKeys[key]
	if !ok {
		return fmt.Errorf("not a Kafka topic configuration key")
	}
	switch spec.kind {
	case kindInt, kindLong:
		bits := 64
		if spec.kind == kindInt {
			bits = 32
		}
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, bits)
		if err != nil {
			return fmt.Errorf("value %q is not a %d-bit integer", v, bits)
		}
		if n < spec.min {
			return fmt.Errorf("value %d is below the minimum %d", n, spec.min)
		}
	case kindDouble:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return fmt.Errorf("value %q is not a number", v)
		}
		if key == "min.cleanable.dirty.ratio" && (f < 0 || f > 1) {
			return fmt.Errorf("value %v is not between 0 and 1", f)
		}
	case kindBool:
		if v != "true" && v != "false" {
			return fmt.Errorf("value %q is not true or false", v)
		}
	case kindEnum:
		if !slices.Contains(spec.allowed, v) {
			return fmt.Errorf("value %q is not one of %s", v, strings.Join(spec.allowed, ", "))
		}
	case kindEnumList:
		for _, e := range splitList(v) {
			if !slices.Contains(spec.allowed, e) {
				return fmt.Errorf("value %q has %q, which is not one of %s", v, e, strings.Join(spec.allowed, ", "))
			}
		}
		if len(splitList(v)) == 0 {
			return fmt.Errorf("value is empty")
		}
	case kindString, kindList:
	}
	return nil
}

// configEqual compares a desired and an observed value the way the broker
// means them: list values are sets ("compact,delete" equals "delete,compact")
// and numbers compare by value.
func configEqual(key, a, b string) bool {
	if a == b {
		return true
	}
	switch topicConfigKeys[key].kind {
	case kindEnumList, kindList:
		x, y := splitList(a), splitList(b)
		slices.Sort(x)
		slices.Sort(y)
		return slices.Equal(x, y)
	case kindInt, kindLong:
		x, errA := strconv.ParseInt(strings.TrimSpace(a), 10, 64)
		y, errB := strconv.ParseInt(strings.TrimSpace(b), 10, 64)
		return errA == nil && errB == nil && x == y
	case kindDouble:
		x, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
		y, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
		return errA == nil && errB == nil && x == y
	}
	return false
}

func splitList(v string) []string {
	var out []string
	for _, e := range strings.Split(v, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}
