// Command render-examples renders the cases of test/render/cases.yaml with the
// real Crossplane renderer and prints the composed resources. It starts the
// functions from a directory of prebuilt binaries on the manifest's loopback
// ports, and stops them before it exits. hack/render.sh (make render) runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/rivven/crossplane-rivven/test/render/harness"
)

func main() {
	os.Exit(run())
}

func run() int {
	var (
		manifest = flag.String("manifest", "test/render/cases.yaml", "Case manifest, relative to the repository root.")
		root     = flag.String("root", ".", "Repository root.")
		binDir   = flag.String("bin-dir", "bin", "Directory holding the function binaries.")
		xp       = flag.String("crossplane", "bin/crossplane", "Crossplane CLI.")
		core     = flag.String("crossplane-core", "bin/crossplane-core", "Crossplane core binary for --crossplane-binary.")
	)
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: %s [flags] [case...]\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "render:", err)
		return 1
	}
	m, err := harness.LoadManifest(*root + "/" + *manifest)
	if err != nil {
		return fail(err)
	}
	cases, err := harness.SelectCases(m, flag.Args())
	if err != nil {
		return fail(err)
	}
	o := harness.Options{
		Root: *root, BinDir: *binDir, Crossplane: *xp, CrossplaneCore: *core,
		StartTimeout: 30 * time.Second, RenderTimeout: time.Minute,
	}
	if err := o.CheckCrossplane(); err != nil {
		return fail(err)
	}
	fns, err := harness.NeededFunctions(*root, m, cases)
	if err != nil {
		return fail(err)
	}
	o.WorkDir, err = os.MkdirTemp("", "render-examples-")
	if err != nil {
		return fail(err)
	}
	defer os.RemoveAll(o.WorkDir) //nolint:errcheck // Best effort.

	s, err := harness.Start(ctx, o, fns, cases)
	defer s.Stop()
	if err != nil {
		return fail(err)
	}

	failed := 0
	for _, c := range cases {
		fmt.Printf("# ---- %s: crossplane %s\n", c.Name, strings.Join(s.Args(c), " "))
		out, err := s.Render(ctx, c)
		os.Stdout.Write(out) //nolint:errcheck // Nothing to do about a broken stdout.
		if err != nil {
			fmt.Fprintln(os.Stderr, "render:", err)
			failed++
		}
	}
	if failed > 0 {
		for name, log := range s.Logs() {
			if log != "" {
				fmt.Fprintf(os.Stderr, "---- %s log:\n%s", name, log)
			}
		}
		return fail(fmt.Errorf("%d of %d cases failed", failed, len(cases)))
	}
	return 0
}
