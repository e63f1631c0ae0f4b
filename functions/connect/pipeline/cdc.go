package pipeline

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

// snapshotModes maps the API's snapshot modes to rivven-connect's. The
// seed's "exported" (an initial snapshot from an exported snapshot) runs as
// initial, the closest mode rivven-connect has.
var snapshotModes = map[string]string{ //nolint:gochecknoglobals // Read-only lookup table.
	"initial": "initial", "never": "never", "when_needed": "when_needed",
	"exported": "initial", "always": "always", "initial_only": "initial_only",
	"no_data": "no_data", "schema_only": "schema_only", "recovery": "recovery",
}

// heartbeatSecs converts the seed's milliseconds to rivven-connect's whole
// seconds (1-3600), rounding up so a heartbeat is never more frequent than
// asked. 0 means "keep rivven-connect's default" and returns false.
func heartbeatSecs(ms int64) (int64, bool) {
	if ms <= 0 {
		return 0, false
	}
	s := (ms + 999) / 1000
	return min(max(s, 1), 3600), true
}

// cdcTables turns TableSpecs into the keys rivven-connect reads: the table
// list (postgres tables, mysql include_tables), column_filters keyed by
// "schema.table", and one mask_field transform per table with masks.
func (c *conn) cdcTables(tables []v1alpha1.TableSpec, field, topic string, mysql bool) (names []string, filters map[string]any, transforms []any) {
	seen := map[string]int{}
	filters = map[string]any{}
	for i, t := range tables {
		tf := fmt.Sprintf("%s.tables[%d]", field, i)
		schema := t.Schema
		if schema == "" && !mysql {
			schema = "public"
		}
		qualified := schema + "." + t.Table
		if schema == "" {
			// MySQL without a database: include_tables matches any
			// database by glob.
			qualified = "*." + t.Table
		}
		if j, dup := seen[qualified]; dup {
			c.fail(tf, "table %s is already listed at %s.tables[%d]", qualified, field, j)
			continue
		}
		seen[qualified] = i
		names = append(names, qualified)

		if t.Topic != "" {
			c.warn("%s.topic %q is not applied: rivven-connect publishes every event of a source to its topic %q", tf, t.Topic, topic)
		}
		hasFilter := len(t.Columns) > 0 || len(t.ExcludeColumns) > 0
		if (hasFilter || len(t.ColumnMasks) > 0) && schema == "" {
			c.fail(tf+".schema", "is required with columns, excludeColumns or columnMasks: rivven-connect keys column rules by database.table")
			continue
		}
		for _, col := range t.Columns {
			if slices.Contains(t.ExcludeColumns, col) {
				c.fail(tf+".excludeColumns", "column %q is also listed in columns", col)
			}
		}
		if hasFilter {
			f := map[string]any{}
			if len(t.Columns) > 0 {
				f["include"] = slices.Clone(t.Columns)
			}
			if len(t.ExcludeColumns) > 0 {
				f["exclude"] = slices.Clone(t.ExcludeColumns)
			}
			filters[qualified] = f
		}
		if len(t.ColumnMasks) > 0 {
			cols := slices.Sorted(maps.Keys(t.ColumnMasks))
			scope := "schema"
			if mysql {
				scope = "database"
			}
			transforms = append(transforms, map[string]any{
				"type": "mask_field",
				"predicate": map[string]any{
					scope:   anchored(schema),
					"table": anchored(t.Table),
				},
				"config": map[string]any{"fields": cols},
			})
			c.warn("%s.columnMasks: rivven-connect masks %s with its own fixed replacement; the mask texts are not applied", tf, strings.Join(cols, ", "))
		}
	}
	return names, filters, transforms
}

func anchored(s string) string { return "^" + regexp.QuoteMeta(s) + "$" }

// postgresCdc maps the typed block; the connection comes from the Secret.
func (c *conn) postgresCdc(p *v1alpha1.PostgresCdcConfig, field, topic string) (map[string]any, []soft) {
	cfg := map[string]any{}
	softs := []soft{
		{path: []string{"host"}, value: func() any { return c.secretKey("host") }},
		{path: []string{"port"}, value: func() any { return c.secretNumber("port", "5432") }},
		{path: []string{"database"}, value: func() any { return c.secretKey("database") }},
		{path: []string{"user"}, value: func() any { return c.secretKey("user") }},
		{path: []string{"password"}, value: func() any { return c.secretKey("password") }},
	}
	if p == nil {
		return cfg, softs
	}
	if p.SlotName != "" {
		cfg["slot_name"] = p.SlotName
	}
	if p.Publication != "" {
		cfg["publication_name"] = p.Publication
	}
	if p.SnapshotMode != "" {
		cfg["snapshot"] = map[string]any{"mode": snapshotModes[p.SnapshotMode]}
	}
	if p.DecodingPlugin != "" && p.DecodingPlugin != "pgoutput" {
		c.warn("%s.decodingPlugin %q is not applied: rivven-connect always uses pgoutput", field, p.DecodingPlugin)
	}
	if p.IncludeTransactionMetadata {
		cfg["transaction_topic"] = map[string]any{"enabled": true}
	}
	if s, ok := heartbeatSecs(p.HeartbeatIntervalMs); ok {
		cfg["heartbeat_interval_secs"] = s
	}
	if p.SignalTable != "" {
		cfg["signal"] = map[string]any{"enabled": true, "data_collection": p.SignalTable}
	}
	c.applyTables(cfg, p.Tables, field, topic, false)
	return cfg, softs
}

// mysqlCdc maps the typed block; the connection comes from the Secret.
func (c *conn) mysqlCdc(m *v1alpha1.MysqlCdcConfig, field, topic string) (map[string]any, []soft) {
	cfg := map[string]any{}
	softs := []soft{
		{path: []string{"host"}, value: func() any { return c.secretKey("host") }},
		{path: []string{"port"}, value: func() any { return c.secretNumber("port", "3306") }},
		{path: []string{"user"}, value: func() any { return c.secretKey("user") }},
		{path: []string{"password"}, value: func() any { return c.secretKey("password") }},
	}
	if m == nil {
		m = &v1alpha1.MysqlCdcConfig{}
	}
	if m.ServerID != nil {
		cfg["server_id"] = *m.ServerID
	}
	if m.SnapshotMode != "" {
		cfg["snapshot"] = map[string]any{"mode": snapshotModes[m.SnapshotMode]}
	}
	c.mysqlUnapplied(m, field)
	if m.IncludeGtid {
		cfg["use_gtid"] = true
	}
	if s, ok := heartbeatSecs(m.HeartbeatIntervalMs); ok {
		cfg["heartbeat_interval_secs"] = s
	}
	if m.DatabaseHistoryTopic != "" {
		cfg["schema_change_topic"] = map[string]any{"enabled": true, "topic_name": m.DatabaseHistoryTopic}
	}
	c.applyTables(cfg, m.Tables, field, topic, true)
	return cfg, softs
}

// mysqlUnapplied warns about what rivven-connect 0.0.22's mysql-cdc source
// does not do, as its real binary showed against MariaDB 10.11 (the connect
// tier's TestMySQLCDC).
func (c *conn) mysqlUnapplied(m *v1alpha1.MysqlCdcConfig, field string) {
	// rivven-cdc stores the snapshot mode and never reads it: the source
	// starts at the current binlog position.
	switch mode := m.SnapshotMode; mode {
	case "never", "no_data", "schema_only":
	default:
		if mode == "" {
			mode = "initial (the default)"
		}
		c.warn("%s.snapshotMode %s is not applied: rivven-connect's mysql-cdc source takes no snapshot in any mode; it streams the binlog from the current position, so rows written before it starts never arrive", field, mode)
	}
	if m.IncludeGtid {
		c.warn("%s.includeGtid is not applied: rivven-connect replicates by GTID only from a gtid_set to start at; without one it starts at the current binlog position", field)
	}
	if len(m.Tables) > 0 {
		// The source keeps an event when "database.table" is a stream of
		// its catalog, whose streams are named "table" alone.
		c.warn("%s.tables: rivven-connect's mysql-cdc source delivers no event at all when it is given tables (include_tables): it compares each event's database.table with the bare table names of its catalog, which never match. Leave tables out to capture every table (the column rules go with them)", field)
	}
}

func (c *conn) applyTables(cfg map[string]any, tables []v1alpha1.TableSpec, field, topic string, mysql bool) {
	if len(tables) == 0 {
		return
	}
	names, filters, transforms := c.cdcTables(tables, field, topic, mysql)
	key := "tables"
	if mysql {
		key = "include_tables"
	}
	if len(names) > 0 {
		cfg[key] = names
	}
	if len(filters) > 0 {
		cfg["column_filters"] = filters
	}
	if len(transforms) > 0 {
		cfg["transforms"] = transforms
	}
}
