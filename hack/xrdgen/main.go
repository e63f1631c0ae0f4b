// Command xrdgen turns the CustomResourceDefinitions that controller-gen
// writes for our composite resource types into Crossplane v2
// CompositeResourceDefinitions, so the Go types in apis/ stay the only source
// of truth for the schemas.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

func main() {
	in := flag.String("in", "", "Directory of CustomResourceDefinition YAML files written by controller-gen.")
	out := flag.String("out", "", "Directory to write CompositeResourceDefinition YAML files to.")
	flag.Parse()

	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: xrdgen -in CRD_DIR -out XRD_DIR")
		os.Exit(2)
	}

	if err := run(*in, *out); err != nil {
		fmt.Fprintln(os.Stderr, "xrdgen:", err)
		os.Exit(1)
	}
}

func run(in, out string) error {
	files, err := filepath.Glob(filepath.Join(in, "*.yaml"))
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("no CRD files in %s", in)
	}
	sort.Strings(files)

	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}

	for _, f := range files {
		crd, err := readCRD(f)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		xrd, err := Convert(crd)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		b, err := Marshal(xrd)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		if err := os.WriteFile(filepath.Join(out, filepath.Base(f)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
