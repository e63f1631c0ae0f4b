package connect

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rivven/crossplane-rivven/apis/cluster/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/podrun"
)

// TestPostgresCDCWithoutTLS finds out what stands behind the rustls panic
// of TestPostgresCDC. The panic comes from rivven-connect's default
// tls.mode "prefer", which builds a rustls client config without a crypto
// provider; mode "disable" builds none. The API has no field for it (a
// pipeline that then runs is no better, see below), so the test adds
// tls.mode: disable to the composed file and otherwise runs the seed's
// source exactly as composed.
//
// rivven-connect 0.0.22 then takes the initial snapshot, without the
// composed column selection and masks, and its streaming loop fails at once
// with "relative URL without a base" (rivven-cdc parses the key=value
// connection string rivven-connect builds as a URL); the source ends, the
// whole process exits 0 and the pod crash-loops. When a release streams,
// this test fails and the API should grow a TLS mode for postgres-cdc.
func TestPostgresCDCWithoutTLS(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	const marker = "  postgres-cdc:\n    config:\n"
	run := startCDC(ctx, t, "postgres-cdc-no-tls", 5433, func(file string) string {
		if !strings.Contains(file, marker) {
			t.Fatalf("the composed file has no postgres-cdc config block:\n%s", file)
		}
		return strings.Replace(file, marker, marker+"      tls:\n        mode: disable\n", 1)
	})
	broker, worker := run.broker, run.worker

	events := waitFor(ctx, t, broker, worker, func(e string) bool { return strings.Contains(e, "Ada") && strings.Contains(e, `"status":"new"`) })
	if err := podrun.WaitFor(ctx, func() bool { return strings.Contains(worker.Logs("connect"), streamFailure) }); err != nil {
		t.Fatalf("the streaming loop did not fail as in %s:\n%s", v1alpha1.DefaultVersion, tail(worker.Logs("connect")))
	}
	if logs := worker.Logs("connect"); !strings.Contains(logs, "A connector task exited unexpectedly (success)") || !strings.Contains(logs, "Shutdown complete") {
		t.Errorf("the process did not shut down after the source ended:\n%s", tail(logs))
	}
	// The snapshot ignores the composed column rules: the excluded column
	// and the masked ones arrive as they are. (Only this patched file gets
	// that far; the composed one panics before it reads a row.)
	for _, leaked := range []string{"secret-note-1", "ada@example.com", "555-0100"} {
		if !strings.Contains(events, leaked) {
			t.Errorf("the snapshot no longer carries %q: rivven-connect now applies column rules to snapshots; update this test and the README:\n%s", leaked, events)
		}
	}
	// The process exits 0 and the pod restarts it, again and again.
	if err := podrun.WaitFor(ctx, func() bool {
		cs := worker.Status().ContainerStatuses[0]
		return cs.RestartCount >= 2 && cs.State.Waiting != nil && cs.State.Waiting.Reason == "CrashLoopBackOff"
	}); err != nil {
		t.Fatalf("the connect container does not crash-loop: %+v", worker.Status().ContainerStatuses)
	}
	if last := worker.Status().ContainerStatuses[0].LastTerminationState.Terminated; last == nil || last.ExitCode != 0 {
		t.Errorf("the process ended %+v, want exit code 0 (rivven-connect shuts down cleanly when a source ends)", last)
	}
	t.Logf("rivven-connect %s with tls.mode disable: snapshot without the column rules, then %q, exit 0, CrashLoopBackOff", v1alpha1.DefaultVersion, streamFailure)
}

// streamFailure is how rivven-connect 0.0.22's postgres-cdc streaming loop
// fails on the connection string rivven-connect gives it.
const streamFailure = "PostgreSQL CDC loop failed: relative URL without a base"
