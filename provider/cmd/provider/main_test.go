package main

import (
	"strings"
	"testing"
)

func parse(t *testing.T, args ...string) *cli {
	t.Helper()
	var c cli
	k, err := parser(&c)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Parse(args); err != nil {
		t.Fatalf("parse %v: %v", args, err)
	}
	return &c
}

func TestConcurrency(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 10}, // the default rate
		{[]string{"--max-reconcile-rate=30"}, 30},
		{[]string{"--max-reconcile-rate=200"}, concurrencyCap},
		{[]string{"--max-reconcile-rate=200", "--max-concurrent-reconciles=120"}, 120},
		{[]string{"--max-concurrent-reconciles=4"}, 4},
	} {
		c := parse(t, tc.args...)
		if err := c.validate(); err != nil {
			t.Errorf("%v: %v", tc.args, err)
		}
		if got := c.concurrency(); got != tc.want {
			t.Errorf("%v: %d concurrent reconciles, want %d", tc.args, got, tc.want)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--poll=0s"}, "--poll"},
		{[]string{"--max-reconcile-rate=0"}, "--max-reconcile-rate"},
		{[]string{"--max-concurrent-reconciles=-1"}, "--max-concurrent-reconciles"},
	} {
		err := parse(t, tc.args...).validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v, want one naming %s", tc.args, err, tc.want)
		}
	}
}

func TestPprofOffByDefault(t *testing.T) {
	t.Setenv("PPROF_ADDR", "")
	if c := parse(t); c.PprofAddr != "" {
		t.Errorf("pprof on by default at %q", c.PprofAddr)
	}
	t.Setenv("PPROF_ADDR", "127.0.0.1:6060")
	if c := parse(t); c.PprofAddr != "127.0.0.1:6060" {
		t.Errorf("PPROF_ADDR not read: %q", c.PprofAddr)
	}
}
