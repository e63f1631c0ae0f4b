package kafka

import (
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/rivven/crossplane-rivven/provider/internal/clients/admin"
)

// aclOperations maps the operation names users write to Kafka's operation
// codes. Only operations that apply to topics are listed.
var aclOperations = map[string]kmsg.ACLOperation{
	"All":             kmsg.ACLOperationAll,
	"Read":            kmsg.ACLOperationRead,
	"Write":           kmsg.ACLOperationWrite,
	"Create":          kmsg.ACLOperationCreate,
	"Delete":          kmsg.ACLOperationDelete,
	"Alter":           kmsg.ACLOperationAlter,
	"Describe":        kmsg.ACLOperationDescribe,
	"DescribeConfigs": kmsg.ACLOperationDescribeConfigs,
	"AlterConfigs":    kmsg.ACLOperationAlterConfigs,
}

func operationName(op kmsg.ACLOperation) string {
	for name, code := range aclOperations {
		if code == op {
			return name
		}
	}
	return op.String()
}

func permissionCode(p string) kmsg.ACLPermissionType {
	if p == admin.PermissionDeny {
		return kmsg.ACLPermissionTypeDeny
	}
	return kmsg.ACLPermissionTypeAllow
}

func permissionName(p kmsg.ACLPermissionType) string {
	if p == kmsg.ACLPermissionTypeDeny {
		return admin.PermissionDeny
	}
	return admin.PermissionAllow
}
