package connect

import (
	"fmt"
	"strconv"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// Defaults rivven-connect uses when the spec leaves them out.
const (
	defaultSlotName = "rivven_slot"
	defaultServerID = 1001
)

// replicaWarnings say what more than one worker does to the enabled
// sources: rivven-connect does not distribute work between processes, so
// every worker runs every one of them. For CDC sources that is not merely
// duplicate work, so each gets its own Warning naming the field and what
// the database does. The seed's cdc-pipeline asks for two workers with a
// postgres-cdc source and must still apply, so this is a Warning, not a
// refusal.
func replicaWarnings(spec *v1alpha1.RivvenConnectSpec, replicas int64) []string {
	if replicas <= 1 {
		return nil
	}
	var out []string
	others := 0
	for i, s := range spec.Sources {
		if s.Enabled != nil && !*s.Enabled {
			continue
		}
		field := fmt.Sprintf("spec.sources[%d]", i)
		switch s.Connector {
		case "postgres-cdc":
			slot := defaultSlotName
			if s.PostgresCdc != nil && s.PostgresCdc.SlotName != "" {
				slot = s.PostgresCdc.SlotName
			}
			out = append(out, fmt.Sprintf("spec.replicas: %d workers each start %s (postgres-cdc) on replication slot %q, "+
				"and PostgreSQL lets one reader use a slot at a time: every worker but one fails to start the source and retries forever. Set spec.replicas to 1",
				replicas, field, slot))
		case "mysql-cdc":
			id := strconv.Itoa(defaultServerID)
			if s.MysqlCdc != nil && s.MysqlCdc.ServerID != nil {
				id = strconv.FormatInt(*s.MysqlCdc.ServerID, 10)
			}
			out = append(out, fmt.Sprintf("spec.replicas: %d workers each read the binlog for %s (mysql-cdc) as replica server_id %s, "+
				"and the server drops one of two replicas with the same server_id (MariaDB: error 4052), so the workers keep displacing each other. Set spec.replicas to 1",
				replicas, field, id))
		default:
			others++
		}
	}
	if others > 0 {
		out = append(out, fmt.Sprintf("spec.replicas: each of the %d workers runs every enabled source, because rivven-connect does not distribute work between processes: the events of %d source(s) are read and published %d times",
			replicas, others, replicas))
	}
	return out
}
