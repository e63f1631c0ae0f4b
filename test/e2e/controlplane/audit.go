package controlplane

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/rivven/crossplane-rivven/test/e2e/rbaccheck"
)

// auditPolicy records, at Metadata level (who, verb, resource, response
// code; no bodies, so no Secret data), every request of the ServiceAccounts
// in Crossplane's namespace: Crossplane core, its RBAC manager and the
// provider. The admin user, the controllers and the harness are not
// recorded.
const auditPolicy = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
  - level: Metadata
    userGroups: ["system:serviceaccounts:` + crossplaneNamespace + `"]
  - level: None
`

// auditFlags writes the audit policy and returns the API server's flags
// that apply it.
func (c *ControlPlane) auditFlags() ([]string, error) {
	policy := filepath.Join(c.dir, "pki", "audit-policy.yaml")
	if err := os.WriteFile(policy, []byte(auditPolicy), 0o600); err != nil {
		return nil, err
	}
	return []string{
		"--audit-policy-file=" + policy,
		"--audit-log-path=" + c.AuditLog(),
		"--audit-log-format=json",
	}, nil
}

// AuditLog is the API server's audit log file.
func (c *ControlPlane) AuditLog() string { return filepath.Join(c.dir, "logs", "audit.log") }

// AuditRequests reads the requests of the ServiceAccounts in Crossplane's
// namespace from the audit log.
func (c *ControlPlane) AuditRequests() ([]rbaccheck.Request, error) {
	f, err := os.Open(c.AuditLog())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	prefix := ServiceAccountUser(crossplaneNamespace, "")
	return rbaccheck.ReadAudit(f, func(u string) bool { return strings.HasPrefix(u, prefix) })
}

// ForbiddenInLogs returns the lines of Crossplane's, the RBAC manager's and
// the provider's logs that report a request the API server refused.
func (c *ControlPlane) ForbiddenInLogs() ([]string, error) {
	var out []string
	for _, name := range []string{"crossplane-init", "crossplane", "rbac-manager-init", "rbac-manager", "provider-rivven"} {
		b, err := os.ReadFile(filepath.Join(c.dir, "logs", name+".log"))
		if err != nil {
			return nil, err
		}
		for _, l := range strings.Split(string(b), "\n") {
			if rbaccheck.Denied(l) {
				out = append(out, name+": "+l)
			}
		}
	}
	return out, nil
}
