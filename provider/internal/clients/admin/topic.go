package admin

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Topic is a topic as the provider wants it or as a broker reports it.
type Topic struct {
	Name string
	ID   string // broker topic id; empty in a desired Topic and on brokers without ids
	// Partitions and ReplicationFactor are 0 in a desired topic whose spec
	// leaves them to the broker's default.
	Partitions        int32
	ReplicationFactor int32
	// Configs holds the topic-level values: for a desired topic every key
	// the spec sets, for an observed topic every key set on the topic (not
	// broker defaults).
	Configs map[string]string
	// Defaults holds, for an observed topic, the value the broker reports
	// for each key not set on the topic, where the protocol reports them
	// (Rivven does, for every key it knows; Kafka's client leaves it empty).
	Defaults map[string]string
	ACLs     []ACL // sorted
}

// ACL is one literal ACL entry on a topic: a principal may (Allow) or may
// not (Deny) perform one operation from one host.
type ACL struct {
	Principal  string // User:<name>
	Host       string // * for any host
	Operation  string // operation name, e.g. Read, DescribeConfigs
	Permission string // Allow or Deny
}

// Permission values.
const (
	PermissionAllow = "Allow"
	PermissionDeny  = "Deny"
)

// ACLOperations are the operation names a RivvenTopic may grant: the Kafka
// operations that apply to topics.
var ACLOperations = []string{"All", "Read", "Write", "Create", "Delete", "Alter", "Describe", "DescribeConfigs", "AlterConfigs"}

// NormalizePrincipal maps the accepted spellings of a user principal to the
// one Kafka's authorizer matches: the principal type is case-sensitive on the
// broker ("User"), so the product's documented "user:order-service" must be
// sent as "User:order-service". The name part is kept as written.
func NormalizePrincipal(p string) (string, error) {
	typ, name, ok := strings.Cut(p, ":")
	if !ok || !strings.EqualFold(typ, "user") || name == "" || strings.ContainsAny(name, " \t\n") {
		return "", fmt.Errorf("principal %q is not User:<name>", p)
	}
	return "User:" + name, nil
}

// ExpandACL turns one spec entry (several operations) into one entry per
// operation, validating the principal and operation names.
func ExpandACL(field, principal, host, permission string, operations []string) ([]ACL, error) {
	p, err := NormalizePrincipal(principal)
	if err != nil {
		return nil, fmt.Errorf("%s.principal: %w", field, err)
	}
	if host == "" {
		host = "*"
	}
	if permission == "" {
		permission = PermissionAllow
	}
	if permission != PermissionAllow && permission != PermissionDeny {
		return nil, fmt.Errorf("%s.permissionType: %q is not Allow or Deny", field, permission)
	}
	out := make([]ACL, 0, len(operations))
	for _, op := range operations {
		if !slices.Contains(ACLOperations, op) {
			return nil, fmt.Errorf("%s.operations: %q is not a topic ACL operation", field, op)
		}
		out = append(out, ACL{Principal: p, Host: host, Operation: op, Permission: permission})
	}
	return out, nil
}

// SortACLs orders ACLs deterministically and drops exact duplicates.
func SortACLs(acls []ACL) []ACL {
	out := slices.Clone(acls)
	slices.SortFunc(out, compareACL)
	return slices.Compact(out)
}

func compareACL(a, b ACL) int {
	return cmp.Or(
		cmp.Compare(a.Principal, b.Principal),
		cmp.Compare(a.Host, b.Host),
		cmp.Compare(a.Operation, b.Operation),
		cmp.Compare(a.Permission, b.Permission),
	)
}

// DiffACLs returns the ACLs to create (desired, not observed) and to delete
// (observed, not desired), both sorted.
func DiffACLs(desired, observed []ACL) (add, remove []ACL) {
	want := make(map[ACL]bool, len(desired))
	for _, a := range desired {
		want[a] = true
	}
	have := make(map[ACL]bool, len(observed))
	for _, a := range observed {
		have[a] = true
	}
	for a := range want {
		if !have[a] {
			add = append(add, a)
		}
	}
	for a := range have {
		if !want[a] {
			remove = append(remove, a)
		}
	}
	return SortACLs(add), SortACLs(remove)
}
