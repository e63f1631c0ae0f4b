package rbaccheck

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	rbacv1 "k8s.io/api/rbac/v1"
)

const crossplane = "system:serviceaccount:crossplane-system:crossplane"

// Lines as kube-apiserver v1.35 writes them with --audit-log-format=json,
// trimmed to the fields that matter.
const auditLog = `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseStarted","requestURI":"/apis/apps/v1/statefulsets?watch=true","verb":"watch","user":{"username":"system:serviceaccount:crossplane-system:crossplane"},"objectRef":{"resource":"statefulsets","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"code":200}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a1","stage":"ResponseComplete","requestURI":"/apis/apps/v1/statefulsets?watch=true","verb":"watch","user":{"username":"system:serviceaccount:crossplane-system:crossplane"},"objectRef":{"resource":"statefulsets","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"code":200}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a2","stage":"ResponseComplete","requestURI":"/apis/apps/v1/namespaces/default/statefulsets/rivven-minimal?fieldManager=x","verb":"patch","user":{"username":"system:serviceaccount:crossplane-system:crossplane"},"objectRef":{"resource":"statefulsets","namespace":"default","name":"rivven-minimal","apiGroup":"apps","apiVersion":"v1"},"responseStatus":{"code":200}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a3","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"list","requestReceivedTimestamp":"2026-12-03T08:41:21.401826Z","user":{"username":"system:serviceaccount:crossplane-system:crossplane"},"objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},"responseStatus":{"status":"Failure","message":"pods is forbidden: User \"system:serviceaccount:crossplane-system:crossplane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"","reason":"Forbidden","code":403}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a4","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/secrets/x","verb":"get","user":{"username":"system:serviceaccount:crossplane-system:provider-rivven-abc"},"objectRef":{"resource":"secrets","namespace":"default","name":"x","apiVersion":"v1"},"responseStatus":{"code":200}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a5","stage":"ResponseComplete","requestURI":"/apis/rivven.io/v1alpha1/namespaces/default/rivventopics/t/status","verb":"update","user":{"username":"system:serviceaccount:crossplane-system:crossplane"},"objectRef":{"resource":"rivventopics","subresource":"status","namespace":"default","name":"t","apiGroup":"rivven.io","apiVersion":"v1alpha1"},"responseStatus":{"code":200}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a6","stage":"ResponseComplete","requestURI":"/healthz","verb":"get","user":{"username":"system:serviceaccount:crossplane-system:crossplane"},"responseStatus":{"code":200}}
`

func TestReadAudit(t *testing.T) {
	got, err := ReadAudit(strings.NewReader(auditLog), func(u string) bool { return u == crossplane })
	if err != nil {
		t.Fatal(err)
	}
	want := []Request{
		{User: crossplane, Verb: "watch", Group: "apps", Resource: "statefulsets", Code: 200},
		{User: crossplane, Verb: "patch", Group: "apps", Resource: "statefulsets", Namespace: "default", Name: "rivven-minimal", Code: 200},
		{User: crossplane, Verb: "list", Resource: "pods", Namespace: "default", Code: 403,
			Time:    time.Date(2026, 12, 3, 8, 41, 21, 401826000, time.UTC),
			Message: `pods is forbidden: User "system:serviceaccount:crossplane-system:crossplane" cannot list resource "pods" in API group "" in the namespace "default"`},
		{User: crossplane, Verb: "update", Group: "rivven.io", Resource: "rivventopics/status", Namespace: "default", Name: "t", Code: 200},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ReadAudit (-want +got):\n%s", diff)
	}
}

func TestReadAuditRejectsBrokenLine(t *testing.T) {
	_, err := ReadAudit(strings.NewReader(auditLog+"{not json\n"), func(string) bool { return true })
	if err == nil || !strings.Contains(err.Error(), "line 8") {
		t.Fatalf("want an error naming line 8, got %v", err)
	}
}

func TestForbidden(t *testing.T) {
	cases := map[string]struct {
		r    Request
		want bool
	}{
		"RBACRefusedIt":           {r: Request{Code: 403, Message: `statefulsets.apps "x" is forbidden: User "system:serviceaccount:crossplane-system:crossplane" cannot create resource "statefulsets" in API group "apps" in the namespace "default"`}, want: true},
		"AQuotaRefusedIt":         {r: Request{Code: 403, Message: `statefulsets.apps "x" is forbidden: exceeded quota: q, requested: count/statefulsets.apps=1, used: count/statefulsets.apps=0, limited: count/statefulsets.apps=0`}, want: false},
		"ARefusalWithoutAMessage": {r: Request{Code: 403}, want: true},
		"ALoggedRefusal":          {r: Request{Code: 403, Message: `{"error": "pods is forbidden: User \"system:serviceaccount:ns:sa\" cannot list resource \"pods\""}`}, want: true},
		"NotFound":                {r: Request{Code: 404}, want: false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if got := tc.r.Forbidden(); got != tc.want {
				t.Errorf("Forbidden() = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNeeds(t *testing.T) {
	sts := func(verb string, code int32) Request {
		return Request{Verb: verb, Group: "apps", Resource: "statefulsets", Code: code}
	}
	p := func(verb string) Permission { return Permission{Group: "apps", Resource: "statefulsets", Verb: verb} }
	cases := map[string]struct {
		r    Request
		want []Permission
	}{
		"AnApplyOfAnExistingObject": {r: sts("patch", 200), want: []Permission{p("patch")}},
		"AnApplyThatCreates":        {r: sts("patch", 201), want: []Permission{p("patch"), p("create")}},
		"AnUpdateThatCreates":       {r: sts("update", 201), want: []Permission{p("update"), p("create")}},
		"ACreate":                   {r: sts("create", 201), want: []Permission{p("create")}},
		"AGetOfAMissingObject":      {r: sts("get", 404), want: []Permission{p("get")}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, tc.r.Needs()); diff != "" {
				t.Errorf("Needs (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	ours := []rbacv1.PolicyRule{
		{APIGroups: []string{"apps"}, Resources: []string{"statefulsets"}, Verbs: []string{"get", "patch", "delete"}},
		{APIGroups: []string{""}, Resources: []string{"pods"}, Verbs: []string{"list"}},
		{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get"}},
	}
	chart := map[string][]rbacv1.PolicyRule{
		"crossplane:system:aggregate-to-crossplane":      {{APIGroups: []string{""}, Resources: []string{"secrets"}, Verbs: []string{"get", "list"}}},
		"crossplane:composite:x:aggregate-to-crossplane": {{APIGroups: []string{"rivven.io"}, Resources: []string{"*"}, Verbs: []string{"*"}}},
	}
	sts := func(verb string, code int32) Request {
		return Request{User: crossplane, Verb: verb, Group: "apps", Resource: "statefulsets", Namespace: "default", Code: code}
	}
	cases := map[string]struct {
		reqs []Request
		want Report
	}{
		"EveryRuleUsedOnce": {
			reqs: []Request{sts("get", 200), sts("patch", 200), sts("delete", 200), sts("patch", 200),
				{User: crossplane, Verb: "list", Resource: "pods", Code: 200},
				{User: crossplane, Verb: "get", Resource: "secrets", Code: 200}},
			want: Report{
				Used: map[Permission]int{
					{Group: "apps", Resource: "statefulsets", Verb: "get"}:    1,
					{Group: "apps", Resource: "statefulsets", Verb: "patch"}:  2,
					{Group: "apps", Resource: "statefulsets", Verb: "delete"}: 1,
					{Resource: "pods", Verb: "list"}:                          1,
					{Resource: "secrets", Verb: "get"}:                        1,
				},
				Redundant: map[Permission]string{{Resource: "secrets", Verb: "get"}: "crossplane:system:aggregate-to-crossplane"},
			},
		},
		"AForbiddenRequestAndUnusedVerbs": {
			reqs: []Request{sts("get", 200), {User: crossplane, Verb: "watch", Resource: "pods", Namespace: "default", Code: 403}},
			want: Report{
				Used:      map[Permission]int{{Group: "apps", Resource: "statefulsets", Verb: "get"}: 1},
				Forbidden: []Request{{User: crossplane, Verb: "watch", Resource: "pods", Namespace: "default", Code: 403}},
				Unused: []Permission{
					{Resource: "pods", Verb: "list"},
					{Resource: "secrets", Verb: "get"},
					{Group: "apps", Resource: "statefulsets", Verb: "delete"},
					{Group: "apps", Resource: "statefulsets", Verb: "patch"},
				},
				Redundant: map[Permission]string{{Resource: "secrets", Verb: "get"}: "crossplane:system:aggregate-to-crossplane"},
			},
		},
		"AnApplyThatCreatesUsesCreate": {
			reqs: []Request{sts("patch", 201), sts("get", 404), sts("delete", 200),
				{User: crossplane, Verb: "list", Resource: "pods", Code: 200},
				{User: crossplane, Verb: "get", Resource: "secrets", Code: 200}},
			want: Report{
				Used: map[Permission]int{
					{Group: "apps", Resource: "statefulsets", Verb: "patch"}:  1,
					{Group: "apps", Resource: "statefulsets", Verb: "create"}: 1,
					{Group: "apps", Resource: "statefulsets", Verb: "get"}:    1,
					{Group: "apps", Resource: "statefulsets", Verb: "delete"}: 1,
					{Resource: "pods", Verb: "list"}:                          1,
					{Resource: "secrets", Verb: "get"}:                        1,
				},
				Redundant: map[Permission]string{{Resource: "secrets", Verb: "get"}: "crossplane:system:aggregate-to-crossplane"},
			},
		},
		"ASubresourceIsNotTheResource": {
			reqs: []Request{{User: crossplane, Verb: "get", Resource: "pods/log", Code: 200}},
			want: Report{
				Used: map[Permission]int{{Resource: "pods/log", Verb: "get"}: 1},
				Unused: []Permission{
					{Resource: "pods", Verb: "list"},
					{Resource: "secrets", Verb: "get"},
					{Group: "apps", Resource: "statefulsets", Verb: "delete"},
					{Group: "apps", Resource: "statefulsets", Verb: "get"},
					{Group: "apps", Resource: "statefulsets", Verb: "patch"},
				},
				Redundant: map[Permission]string{{Resource: "secrets", Verb: "get"}: "crossplane:system:aggregate-to-crossplane"},
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := Check(tc.reqs, ours, chart)
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	rep := Report{
		Forbidden: []Request{{Verb: "patch", Group: "networking.k8s.io", Resource: "networkpolicies", Namespace: "default", Name: "np", Code: 403,
			Time:    time.Date(2026, 12, 3, 8, 41, 21, 401826000, time.UTC),
			Message: `networkpolicies.networking.k8s.io "np" is forbidden: User "u" cannot create resource "networkpolicies"`}},
		Unused:    []Permission{{Group: "apps", Resource: "statefulsets", Verb: "update"}},
		Redundant: map[Permission]string{{Resource: "services", Verb: "get"}: "crossplane:system:aggregate-to-crossplane"},
	}
	want := []string{
		`forbidden: 08:41:21.401 patch networkpolicies.networking.k8s.io in default (np): networkpolicies.networking.k8s.io "np" is forbidden: User "u" cannot create resource "networkpolicies"`,
		"granted, never used: update statefulsets.apps",
		"granted already by ClusterRole crossplane:system:aggregate-to-crossplane: get services",
	}
	if diff := cmp.Diff(want, rep.Problems()); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	if got := (Report{Used: map[Permission]int{{Resource: "pods", Verb: "list"}: 3}}).Problems(); len(got) != 0 {
		t.Errorf("a report of used permissions only has no problems, got %q", got)
	}
}
