package pipeline

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// TestMySQLUnapplied: what rivven-connect's mysql-cdc source does not do is
// a Warning naming the field, never silence.
func TestMySQLUnapplied(t *testing.T) {
	const (
		field    = "spec.sources[0].mysqlCdc"
		snapshot = " is not applied: rivven-connect's mysql-cdc source takes no snapshot in any mode; it streams the binlog from the current position, so rows written before it starts never arrive"
		gtid     = field + ".includeGtid is not applied: rivven-connect replicates by GTID only from a gtid_set to start at; without one it starts at the current binlog position"
		tables   = field + ".tables: rivven-connect's mysql-cdc source delivers no event at all when it is given tables (include_tables): it compares each event's database.table with the bare table names of its catalog, which never match. Leave tables out to capture every table (the column rules go with them)"
	)
	cases := map[string]struct {
		cfg  *v1alpha1.MysqlCdcConfig
		want []string
	}{
		"NoBlock":       {want: []string{field + ".snapshotMode initial (the default)" + snapshot}},
		"Initial":       {cfg: &v1alpha1.MysqlCdcConfig{SnapshotMode: "initial"}, want: []string{field + ".snapshotMode initial" + snapshot}},
		"WhenNeeded":    {cfg: &v1alpha1.MysqlCdcConfig{SnapshotMode: "when_needed"}, want: []string{field + ".snapshotMode when_needed" + snapshot}},
		"NeverIsHonest": {cfg: &v1alpha1.MysqlCdcConfig{SnapshotMode: "never"}},
		"SchemaOnly":    {cfg: &v1alpha1.MysqlCdcConfig{SnapshotMode: "schema_only"}},
		"NoData":        {cfg: &v1alpha1.MysqlCdcConfig{SnapshotMode: "no_data"}},
		"GtidAndTables": {
			cfg:  &v1alpha1.MysqlCdcConfig{SnapshotMode: "never", IncludeGtid: true, Tables: []v1alpha1.TableSpec{{Schema: "shop", Table: "orders"}}},
			want: []string{gtid, tables},
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			res, err := Build(Input{
				Spec: v1alpha1.RivvenConnectSpec{Sources: []v1alpha1.SourceConnectorSpec{{
					Name: "my", Connector: "mysql-cdc", Topic: "t", ConfigSecretRef: "creds", MysqlCdc: tc.cfg,
				}}},
				Broker: Broker{BootstrapServers: []string{"b:9092"}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, res.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
		})
	}
}
