// Package rbaccheck compares the RBAC a ServiceAccount was granted with the
// requests the API server's audit log shows it made: which granted
// permissions were never used, which requests were forbidden, and which of
// our rules another role already grants (a rule that could be removed
// without any request failing).
//
// It is pure logic over audit events and PolicyRules; the end-to-end tier
// feeds it the audit log of the local control plane.
package rbaccheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	auditv1 "k8s.io/apiserver/pkg/apis/audit/v1"
	"k8s.io/component-helpers/auth/rbac/validation"
)

// A Request is one resource request a user made, as the audit log records
// it.
type Request struct {
	User      string
	Verb      string
	Group     string
	Resource  string // with its subresource, if any: "pods/status"
	Namespace string
	Name      string
	Code      int32
	// Time is when the API server received the request.
	Time time.Time
	// Message is the API server's reason for a 403, which names the verb
	// it refused (a patch that would create the object is refused for want
	// of create) or the admission that refused it.
	Message string
}

// Needs lists the permissions the API server checked for the request: its
// verb, and create for a patch or update that created the object (its
// handler authorizes the create separately, so a server-side apply of a
// new object needs both).
func (r Request) Needs() []Permission {
	out := []Permission{{Group: r.Group, Resource: r.Resource, Verb: r.Verb}}
	if (r.Verb == "patch" || r.Verb == "update") && r.Code == 201 {
		out = append(out, Permission{Group: r.Group, Resource: r.Resource, Verb: "create"})
	}
	return out
}

// String is the request as kubectl would phrase the permission it needs.
func (r Request) String() string {
	s := ""
	if !r.Time.IsZero() {
		s = r.Time.UTC().Format("15:04:05.000") + " "
	}
	s += r.Verb + " " + Permission{Group: r.Group, Resource: r.Resource, Verb: r.Verb}.resource()
	if r.Namespace != "" {
		s += " in " + r.Namespace
	}
	if r.Name != "" {
		s += " (" + r.Name + ")"
	}
	if r.Message != "" {
		s += ": " + r.Message
	}
	return s
}

// rbacDenial is the API server's message for a request its authorizer
// refused. A 403 can also be an admission refusal (an exceeded
// ResourceQuota), which is no missing permission. Logs may quote it with
// escaped quotes.
var rbacDenial = regexp.MustCompile(`is forbidden: User \\?"[^"\\]*\\?" cannot [a-z]+ resource`)

// Denied tells whether a message (an API error, a log line) is the API
// server refusing a request for want of a permission.
func Denied(message string) bool { return rbacDenial.MatchString(message) }

// Forbidden tells whether the API server refused the request for want of a
// permission.
func (r Request) Forbidden() bool { return r.Code == 403 && (r.Message == "" || Denied(r.Message)) }

// ReadAudit reads a JSON audit log (one audit.k8s.io/v1 Event per line) and
// returns the resource requests of the users accepted by keep, one per
// audit ID: a watch is logged when it starts and again when it ends.
func ReadAudit(r io.Reader, keep func(user string) bool) ([]Request, error) {
	var out []Request
	seen := map[string]bool{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		var e auditv1.Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("audit log line %d: %w", line, err)
		}
		if e.ObjectRef == nil || !keep(e.User.Username) || seen[string(e.AuditID)] {
			continue
		}
		seen[string(e.AuditID)] = true
		res := e.ObjectRef.Resource
		if e.ObjectRef.Subresource != "" {
			res += "/" + e.ObjectRef.Subresource
		}
		req := Request{
			User: e.User.Username, Verb: e.Verb, Group: e.ObjectRef.APIGroup, Resource: res,
			Namespace: e.ObjectRef.Namespace, Name: e.ObjectRef.Name,
			Time: e.RequestReceivedTimestamp.Time,
		}
		if e.ResponseStatus != nil {
			req.Code = e.ResponseStatus.Code
			if req.Code == 403 {
				req.Message = e.ResponseStatus.Message
			}
		}
		out = append(out, req)
	}
	return out, sc.Err()
}

// A Permission is one verb on one resource of one API group: the unit in
// which a rule is used or not.
type Permission struct {
	Group    string
	Resource string
	Verb     string
}

func (p Permission) resource() string {
	if p.Group == "" {
		return p.Resource
	}
	return p.Resource + "." + p.Group
}

func (p Permission) String() string { return p.Verb + " " + p.resource() }

func (p Permission) rule() rbacv1.PolicyRule {
	return rbacv1.PolicyRule{APIGroups: []string{p.Group}, Resources: []string{p.Resource}, Verbs: []string{p.Verb}}
}

// Expand lists the permissions a set of resource rules grants. A wildcard
// stays a wildcard: it is one permission that cannot be proven used.
func Expand(rules []rbacv1.PolicyRule) []Permission {
	var out []Permission
	for _, r := range rules {
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				for _, v := range r.Verbs {
					out = append(out, Permission{Group: g, Resource: res, Verb: v})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if a, b := out[i].resource(), out[j].resource(); a != b {
			return a < b
		}
		return out[i].Verb < out[j].Verb
	})
	return out
}

// Allows tells whether rules grant the permission a request needs. The
// resource names of a rule are not considered: our rules do not use them.
func Allows(rules []rbacv1.PolicyRule, r Request) bool {
	ok, _ := validation.Covers(rules, []rbacv1.PolicyRule{Permission{Group: r.Group, Resource: r.Resource, Verb: r.Verb}.rule()})
	return ok
}

// A Report is what one ServiceAccount did with what it was granted.
type Report struct {
	// Used counts the requests per permission, for the permissions used.
	Used map[Permission]int
	// Forbidden lists the requests the API server refused.
	Forbidden []Request
	// Unused lists the permissions of the checked rules that no request
	// needed.
	Unused []Permission
	// Redundant lists the permissions of the checked rules that the other
	// roles grant too, with the role that does.
	Redundant map[Permission]string
}

// Check reports on the requests of one user. rules are the rules under test
// (ours); others are the other roles the user holds, by name, which our
// rules must not repeat.
func Check(reqs []Request, rules []rbacv1.PolicyRule, others map[string][]rbacv1.PolicyRule) Report {
	rep := Report{Used: map[Permission]int{}, Redundant: map[Permission]string{}}
	for _, r := range reqs {
		if r.Forbidden() {
			rep.Forbidden = append(rep.Forbidden, r)
			continue
		}
		for _, p := range r.Needs() {
			rep.Used[p]++
		}
	}
	names := make([]string, 0, len(others))
	for n := range others {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, p := range Expand(rules) {
		used := false
		for u := range rep.Used {
			if Allows([]rbacv1.PolicyRule{p.rule()}, Request{Group: u.Group, Resource: u.Resource, Verb: u.Verb}) {
				used = true
				break
			}
		}
		if !used {
			rep.Unused = append(rep.Unused, p)
		}
		for _, n := range names {
			if ok, _ := validation.Covers(others[n], []rbacv1.PolicyRule{p.rule()}); ok {
				rep.Redundant[p] = n
				break
			}
		}
	}
	return rep
}

// Problems is the report's failures, one per line; empty when the rules are
// exactly what the requests needed.
func (rep Report) Problems() []string {
	var out []string
	for _, r := range rep.Forbidden {
		out = append(out, "forbidden: "+r.String())
	}
	for _, p := range rep.Unused {
		out = append(out, "granted, never used: "+p.String())
	}
	redundant := make([]string, 0, len(rep.Redundant))
	for p, n := range rep.Redundant {
		redundant = append(redundant, fmt.Sprintf("granted already by ClusterRole %s: %s", n, p))
	}
	sort.Strings(redundant)
	return append(out, redundant...)
}

// Table lists the permissions used with their request counts, one per line,
// sorted, for the test log.
func (rep Report) Table() string {
	lines := make([]string, 0, len(rep.Used))
	for p, n := range rep.Used {
		lines = append(lines, fmt.Sprintf("%-60s %6d", p, n))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
