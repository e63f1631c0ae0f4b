package connect

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// TestPostgresCDC runs the seed's cdc-pipeline source exactly as the card
// writes it (slot, publication, snapshot mode, decoding plugin, heartbeat,
// tables with columns, excludeColumns and columnMasks) against Debian's
// PostgreSQL with logical replication, its credentials from the composed
// configSecretRef variables, on the real rivven-connect and rivvend. Its
// sinks are the card's stdout sink only: the S3 sink needs a cloud and the
// custom sink names no connector the binary has. Rows inserted before the
// pipeline starts (the initial snapshot) and after it (streaming), and an
// update, arrive on cdc.events with exactly the selected order columns,
// never the excluded one, and the customers' masked columns masked.
//
// rivven-connect 0.0.22, as make rivven builds it (postgres,mysql,http),
// panics when the postgres-cdc source starts (rustls finds no process-level
// CryptoProvider), whether or not PostgreSQL offers TLS: the source's
// default tls.mode "prefer" builds a rustls client config, and the build
// has two crypto providers and installs neither. The process shuts down.
// The test accepts exactly that panic and nothing else, and logs it; a
// build without it must pass every content check below (the snapshot of
// TestPostgresCDCWithoutTLS would not: it ignores the column rules).
func TestPostgresCDC(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	run := startCDC(ctx, t, "postgres-cdc", 5432, nil)
	pg, broker, worker := run.pg, run.broker, run.worker

	// The known panic, or the snapshot's rows.
	var events string
	if err := podrun.WaitFor(ctx, func() bool {
		if strings.Contains(worker.Logs("connect"), cdcPanic) {
			return true
		}
		events = consume(ctx, t, broker, "cdc.events")
		return strings.Contains(events, "secret") || strings.Contains(events, `"status":"new"`)
	}); err != nil {
		t.Fatalf("cdc.events never showed the snapshot:\n%s\n--- connect pod %+v\n%s", events, worker.Status().ContainerStatuses, tail(worker.Logs("connect")))
	}
	if logs := worker.Logs("connect"); strings.Contains(logs, cdcPanic) {
		if !strings.Contains(logs, "Source 'postgres-cdc' starting") || !strings.Contains(logs, "A connector failed fatally") {
			t.Fatalf("the panic came from elsewhere than the postgres-cdc source:\n%s", tail(logs))
		}
		if events := consume(ctx, t, broker, "cdc.events"); strings.Contains(events, "[offset=") {
			t.Fatalf("events arrived although the source panicked:\n%s", events)
		}
		if w := strings.Join(composed.Warnings(run.composed.Results), "\n"); !strings.Contains(w, "spec.sources[0] (postgres-cdc): rivven-connect "+v1alpha1.DefaultVersion+" panics starting this source") {
			t.Errorf("the function does not warn about the panic:\n%s", w)
		}
		t.Logf("rivven-connect %s panics starting the postgres-cdc source, no event reaches cdc.events: %s", v1alpha1.DefaultVersion, cdcPanic)
		return
	}
	t.Logf("snapshot events:\n%s", events)

	// Streaming: a new order, an update, a new customer.
	pg.sql(t, "shop", `INSERT INTO public.orders (id, customer_id, total, status, internal_notes) VALUES (2, 7, 9.99, 'new', 'secret-note-2');
UPDATE public.orders SET status = 'paid' WHERE id = 1;
INSERT INTO public.customers VALUES (8, 'Grace', 'grace@example.com', '555-0199');`)
	events = waitFor(ctx, t, broker, worker, func(e string) bool { return strings.Contains(e, "paid") && strings.Contains(e, "Grace") })

	for _, never := range []string{"internal_notes", "secret-note", "ada@example.com", "grace@example.com", "555-0100", "555-0199"} {
		if strings.Contains(events, never) {
			t.Errorf("cdc.events carries %q, which the spec excludes or masks:\n%s", never, events)
		}
	}
	for _, want := range []string{`"customer_id"`, `"total"`, `"status"`, `"created_at"`, "Grace", "paid"} {
		if !strings.Contains(events, want) {
			t.Errorf("cdc.events lacks %s:\n%s", want, events)
		}
	}
	t.Logf("events on cdc.events:\n%s", events)
}

// cdcRun is the seed's CDC source on real binaries: PostgreSQL, the broker
// and the connect pod.
type cdcRun struct {
	pg             *postgres
	broker, worker *podrun.Pod
	composed       *composed.Connect
}

// startCDC starts PostgreSQL on the pod network's gateway at port with the
// seed's tables and one order and customer, a broker in namespace ns, and
// the pod of the seed's cdc-pipeline composed against it (one worker, the
// card's stdout sink only), its credentials in the composed
// configSecretRef. patch, when not nil, rewrites the composed pipeline file
// first.
func startCDC(ctx context.Context, t *testing.T, ns string, port int, patch func(string) string) cdcRun {
	t.Helper()
	pg := startPostgres(t, network(t).Gateway().String(), port)
	pg.sql(t, "postgres", "CREATE ROLE rivven LOGIN REPLICATION PASSWORD 'cdc-test-password'")
	pg.sql(t, "postgres", "CREATE DATABASE shop OWNER rivven")
	pg.sql(t, "shop", `SET ROLE rivven;
CREATE TABLE public.orders (id int PRIMARY KEY, customer_id int, total numeric(10,2), status text,
  created_at timestamptz DEFAULT now(), internal_notes text);
CREATE TABLE public.customers (id int PRIMARY KEY, name text, email text, phone text);
INSERT INTO public.customers VALUES (7, 'Ada', 'ada@example.com', '555-0100');
INSERT INTO public.orders (id, customer_id, total, status, internal_notes) VALUES (1, 7, 42.50, 'new', 'secret-note-1');`)

	broker, rc, _ := runProductionBroker(t, ctx, ns)

	xr := readYAML(t, "examples/connect/cdc-pipeline.yaml")
	spec := xr["spec"].(map[string]any)
	spec["version"] = v1alpha1.DefaultVersion
	spec["replicas"] = 1
	var sinks []any
	for _, s := range spec["sinks"].([]any) {
		if s.(map[string]any)["connector"] == "stdout" {
			sinks = append(sinks, s)
		}
	}
	spec["sinks"] = sinks
	c := compose(t, xr, rc)
	if patch != nil {
		c.ConfigMap.Data["pipeline.yaml"] = patch(c.ConfigMap.Data["pipeline.yaml"])
	}

	objs := composed.EmptyObjects()
	objs.Secrets["postgres-credentials"] = &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "postgres-credentials"}, Data: map[string][]byte{
		"host": []byte(pg.addr), "port": []byte(strconv.Itoa(port)), "database": []byte("shop"),
		"user": []byte("rivven"), "password": []byte("cdc-test-password"),
	}}
	worker, err := podrun.Start(network(t), c.Pod(c.Deployment.Spec.Template.Spec, t.TempDir(), objs, rivvenbin.Resolve))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(worker.Stop)
	return cdcRun{pg: pg, broker: broker, worker: worker, composed: c}
}

// cdcPanic is rustls' panic when two crypto providers are compiled in and
// none is installed, which rivven-connect 0.0.22 hits starting postgres-cdc.
const cdcPanic = "Could not automatically determine the process-level CryptoProvider from Rustls crate features."

// waitFor reads cdc.events until done holds for what is there.
func waitFor(ctx context.Context, t *testing.T, broker, worker *podrun.Pod, done func(string) bool) string {
	t.Helper()
	var events string
	if err := podrun.WaitFor(ctx, func() bool {
		events = consume(ctx, t, broker, "cdc.events")
		return done(events)
	}); err != nil {
		t.Fatalf("cdc.events never showed what was written:\n%s\n--- connect pod %+v\n%s", events, worker.Status().ContainerStatuses, tail(worker.Logs("connect")))
	}
	return events
}
