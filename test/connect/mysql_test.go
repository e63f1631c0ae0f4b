package connect

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// TestMySQLCDC runs the mysql-cdc source of examples/connect/mysql-cdc-kafka
// against Debian's MariaDB 10.11 (row-based binary log, started by the test
// in its network namespace) on the real rivven-connect and rivvend, with
// its credentials from the composed configSecretRef variables, beside a
// second source that is the same without tables. The Kafka sink is
// replaced by a stdout sink (the binary has no kafka connector).
//
// What rivven-connect 0.0.22 does, and the function warns about: the
// source without tables streams inserts, updates and deletes of every
// table; the example's source, which lists tables, delivers nothing; rows
// written before the pipeline started never arrive (no snapshot, whatever
// the mode). mysql-cdc connects without TLS and does not hit postgres-cdc's
// rustls panic.
func TestMySQLCDC(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	db := startMariaDB(t, network(t).Gateway().String())
	db.sql(t, `CREATE DATABASE shop;
CREATE USER 'rivven'@'%' IDENTIFIED BY 'cdc-test-password';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'rivven'@'%';
CREATE TABLE shop.orders (id int PRIMARY KEY, customer_id int, total decimal(10,2), status varchar(20), internal_notes varchar(50));
CREATE TABLE shop.customers (id int PRIMARY KEY, name varchar(20), email varchar(50));
INSERT INTO shop.customers VALUES (7, 'Ada', 'ada@example.com');
INSERT INTO shop.orders VALUES (1, 7, 42.50, 'new', 'secret-note-1');`)

	broker, rc, _ := runProductionBroker(t, ctx, "mysql-cdc")

	xr := readYAML(t, "examples/connect/mysql-cdc-kafka.yaml")
	spec := xr["spec"].(map[string]any)
	spec["version"] = v1alpha1.DefaultVersion
	example := spec["sources"].([]any)[0].(map[string]any)
	all := map[string]any{"name": "shop-all", "connector": "mysql-cdc", "topic": "shop.all", "configSecretRef": "mysql-credentials",
		"mysqlCdc": map[string]any{"serverId": 5402}}
	spec["sources"] = []any{example, all}
	spec["sinks"] = []any{map[string]any{"name": "console", "connector": "stdout", "topics": []any{"shop.changes", "shop.all"},
		"consumerGroup": "console", "startOffset": "earliest", "stdout": map[string]any{"format": "json"}}}
	c := compose(t, xr, rc)
	warned := strings.Join(composed.Warnings(c.Results), "\n")
	for _, field := range []string{"spec.sources[0].mysqlCdc.tables:", "spec.sources[0].mysqlCdc.snapshotMode initial is not applied", "spec.sources[0].mysqlCdc.includeGtid is not applied"} {
		if !strings.Contains(warned, field) {
			t.Errorf("no Warning names %s; warnings:\n%s", field, warned)
		}
	}

	objs := composed.EmptyObjects()
	objs.Secrets["mysql-credentials"] = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "mysql-credentials"}, Data: map[string][]byte{
		"host": []byte(db.addr), "port": []byte("3306"), "user": []byte("rivven"), "password": []byte("cdc-test-password"),
	}}
	worker, err := podrun.Start(network(t), c.Pod(c.Deployment.Spec.Template.Spec, t.TempDir(), objs, rivvenbin.Resolve))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Stop)
	if err := podrun.WaitFor(ctx, worker.Ready); err != nil {
		t.Fatalf("the connect pod never turned ready: %+v\n%s", worker.Status().ContainerStatuses, tail(worker.Logs("connect")))
	}
	// Both sources follow the binlog before anything is written.
	if err := podrun.WaitFor(ctx, func() bool { return strings.Count(worker.Logs("connect"), "Started binlog dump") >= 2 }); err != nil {
		t.Fatalf("the sources never started reading the binlog:\n%s", tail(worker.Logs("connect")))
	}

	db.sql(t, `INSERT INTO shop.orders VALUES (2, 7, 9.99, 'new', 'secret-note-2');
UPDATE shop.orders SET status = 'paid' WHERE id = 1;
INSERT INTO shop.customers VALUES (8, 'Grace', 'grace@example.com');
DELETE FROM shop.orders WHERE id = 2;`)

	want := []string{"insert shop.orders 2", "update shop.orders 1 paid", "insert shop.customers 8", "delete shop.orders 2"}
	var got []string
	if err := podrun.WaitFor(ctx, func() bool {
		got = cdcEvents(consume(ctx, t, broker, "shop.all"))
		return len(got) >= len(want)
	}); err != nil {
		t.Fatalf("shop.all never showed the changes: %q\n--- connect log\n%s", got, tail(worker.Logs("connect")))
	}
	// Exactly these: the row written before the start (order 1, Ada) is
	// not among them.
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events of the source without tables (-want +got):\n%s", diff)
	}

	// The example's source read the same binlog: nothing, a little later.
	time.Sleep(3 * time.Second)
	if events := consume(ctx, t, broker, "shop.changes"); strings.Contains(events, "[offset=") {
		t.Errorf("the source with tables delivered events; rivven-connect %s delivered none, so the Warning on spec.sources[0].mysqlCdc.tables is obsolete:\n%s",
			v1alpha1.DefaultVersion, events)
	}
	if logs := worker.Logs("connect"); strings.Contains(logs, cdcPanic) {
		t.Errorf("mysql-cdc hit the rustls panic:\n%s", tail(logs))
	}
	t.Logf("shop.all: %q; shop.changes (with tables): none; the row written before the start: none", got)
}

// cdcEvents summarises the CDC events in the rivven CLI's output as
// "<type> <database.table> <id>[ <status after an update>]".
func cdcEvents(out string) []string {
	var events []string
	for _, line := range strings.Split(out, "\n") {
		_, v, ok := strings.Cut(line, " value=")
		if !ok {
			continue
		}
		var e struct {
			Type   string          `json:"event_type"`
			Stream string          `json:"stream"`
			Data   json.RawMessage `json:"data"`
		}
		if json.Unmarshal([]byte(v), &e) != nil {
			events = append(events, "unreadable "+v)
			continue
		}
		type row struct {
			ID     int    `json:"id"`
			Status string `json:"status"`
		}
		var r struct {
			row
			After *row `json:"after"`
		}
		_ = json.Unmarshal(e.Data, &r)
		s := e.Type + " " + e.Stream + " "
		if r.After != nil {
			s += strconv.Itoa(r.After.ID) + " " + r.After.Status
		} else {
			s += strconv.Itoa(r.ID)
		}
		events = append(events, s)
	}
	return events
}
