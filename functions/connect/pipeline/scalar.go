package pipeline

import (
	"strconv"

	"go.yaml.in/yaml/v3"
)

// scalarNode returns the node yaml.Node.Encode builds for v, without its
// cost where the result is certain: Encode runs a whole YAML encoder and
// parser per scalar, which made rendering a pipeline of many connectors
// spend most of its time and memory in them. Strings that YAML could read
// as anything but a plain string, and floats, still go through Encode, so
// the rendered file is byte for byte the same.
func scalarNode(v any) (*yaml.Node, error) {
	switch t := v.(type) {
	case string:
		if plainWord(t) {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: t}, nil
		}
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: strconv.FormatBool(t)}, nil
	case int:
		return intNode(strconv.Itoa(t)), nil
	case int32:
		return intNode(strconv.FormatInt(int64(t), 10)), nil
	case int64:
		return intNode(strconv.FormatInt(t, 10)), nil
	case uint32:
		return intNode(strconv.FormatUint(uint64(t), 10)), nil
	case uint64:
		return intNode(strconv.FormatUint(t, 10)), nil
	}
	n := &yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	return n, nil
}

func intNode(s string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: s}
}

// plainWord reports whether YAML writes s unquoted and reads it back as
// the same string: a letter followed by letters, digits and _ . - /, and
// none of the words YAML 1.1 or 1.2 reads as a boolean or null.
func plainWord(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (c < '0' || c > '9') && c != '_' && c != '.' && c != '-' && c != '/' {
			return false
		}
	}
	switch s {
	case "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL",
		"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF":
		return false
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
