package connect

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

func TestReplicaWarnings(t *testing.T) {
	off := false
	id := int64(5401)
	pg := v1alpha1.SourceConnectorSpec{Name: "pg", Connector: "postgres-cdc", PostgresCdc: &v1alpha1.PostgresCdcConfig{SlotName: "orders_slot"}}
	my := v1alpha1.SourceConnectorSpec{Name: "my", Connector: "mysql-cdc", MysqlCdc: &v1alpha1.MysqlCdcConfig{ServerID: &id}}
	gen := v1alpha1.SourceConnectorSpec{Name: "gen", Connector: "datagen"}
	const (
		pgWarning = `spec.replicas: 2 workers each start spec.sources[0] (postgres-cdc) on replication slot "orders_slot", and PostgreSQL lets one reader use a slot at a time: every worker but one fails to start the source and retries forever. Set spec.replicas to 1`
		myWarning = `spec.replicas: 2 workers each read the binlog for spec.sources[1] (mysql-cdc) as replica server_id 5401, and the server drops one of two replicas with the same server_id (MariaDB: error 4052), so the workers keep displacing each other. Set spec.replicas to 1`
	)
	cases := map[string]struct {
		sources  []v1alpha1.SourceConnectorSpec
		replicas int64
		want     []string
	}{
		"OneWorker": {sources: []v1alpha1.SourceConnectorSpec{pg, my, gen}, replicas: 1},
		"NoSources": {replicas: 3},
		"CDCAndOthers": {
			sources: []v1alpha1.SourceConnectorSpec{pg, my, gen}, replicas: 2,
			want: []string{pgWarning, myWarning, "spec.replicas: each of the 2 workers runs every enabled source, because rivven-connect does not distribute work between processes: the events of 1 source(s) are read and published 2 times"},
		},
		"DisabledCDCIsQuiet": {
			sources:  []v1alpha1.SourceConnectorSpec{func() v1alpha1.SourceConnectorSpec { s := pg; s.Enabled = &off; return s }()},
			replicas: 2,
		},
		"Defaults": {
			sources: []v1alpha1.SourceConnectorSpec{{Name: "pg", Connector: "postgres-cdc"}, {Name: "my", Connector: "mysql-cdc"}}, replicas: 3,
			want: []string{
				`spec.replicas: 3 workers each start spec.sources[0] (postgres-cdc) on replication slot "rivven_slot", and PostgreSQL lets one reader use a slot at a time: every worker but one fails to start the source and retries forever. Set spec.replicas to 1`,
				`spec.replicas: 3 workers each read the binlog for spec.sources[1] (mysql-cdc) as replica server_id 1001, and the server drops one of two replicas with the same server_id (MariaDB: error 4052), so the workers keep displacing each other. Set spec.replicas to 1`,
			},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got := replicaWarnings(&v1alpha1.RivvenConnectSpec{Sources: tc.sources}, tc.replicas)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("replicaWarnings (-want +got):\n%s", diff)
			}
		})
	}
}
