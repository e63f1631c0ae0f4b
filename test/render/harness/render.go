package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Options configure a render Session.
type Options struct {
	// Root is the repository root; manifest paths are relative to it.
	Root string
	// BinDir holds the function binaries (see Function.Binary).
	BinDir string
	// Crossplane is the Crossplane CLI and CrossplaneCore the core binary
	// whose `internal render` the CLI runs. Relative paths are relative to Root.
	Crossplane, CrossplaneCore string
	// FreePorts serves functions on free loopback ports instead of the
	// manifest's, pointing the functions files at them.
	FreePorts bool
	// WorkDir receives rewritten functions files.
	WorkDir string
	// StartTimeout bounds waiting for a function to listen; RenderTimeout
	// bounds one render.
	StartTimeout, RenderTimeout time.Duration
}

// BuildHint tells how to get the Crossplane binaries.
const BuildHint = "run hack/crossplane/build.sh (or make render) to build the Crossplane CLI and core into bin/"

// CheckCrossplane fails when a Crossplane binary is missing.
func (o Options) CheckCrossplane() error {
	for _, p := range []string{o.Crossplane, o.CrossplaneCore} {
		if _, err := os.Stat(o.abs(p)); err != nil {
			return fmt.Errorf("%w; %s", err, BuildHint)
		}
	}
	return nil
}

func (o Options) abs(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(o.Root, p)
}

// Session is a set of running functions ready to render cases.
type Session struct {
	opts    Options
	running []*Running
	// functions maps a case's functions file to the file the renderer reads.
	functions map[string]string
}

// NeededFunctions lists, in manifest order, the functions the cases' functions files name.
func NeededFunctions(root string, m *Manifest, cases []Case) ([]Function, error) {
	want := map[string]bool{}
	for _, c := range cases {
		data, err := os.ReadFile(filepath.Join(root, c.Functions))
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", c.Name, err)
		}
		names, err := FunctionNames(data)
		if err != nil {
			return nil, fmt.Errorf("case %s: %s: %w", c.Name, c.Functions, err)
		}
		for _, n := range names {
			if _, ok := m.Function(n); !ok {
				return nil, fmt.Errorf("case %s: %s names function %q, which the manifest does not list", c.Name, c.Functions, n)
			}
			want[n] = true
		}
	}
	var fns []Function
	for _, f := range m.Functions {
		if want[f.Name] {
			fns = append(fns, f)
		}
	}
	return fns, nil
}

// Start serves fns and prepares the cases' functions files to point at them.
// The caller must Stop the session, also when Start fails half way.
func Start(ctx context.Context, o Options, fns []Function, cases []Case) (*Session, error) {
	s := &Session{opts: o, functions: map[string]string{}}
	ports := map[string]int{}
	for _, f := range fns {
		port := f.Port
		if o.FreePorts {
			p, err := FreePort()
			if err != nil {
				return s, err
			}
			port = p
		}
		r, err := StartFunction(ctx, o.BinDir, f, port, o.StartTimeout)
		if err != nil {
			return s, err
		}
		s.running = append(s.running, r)
		ports[f.Name] = port
	}
	for _, c := range cases {
		if _, done := s.functions[c.Functions]; done {
			continue
		}
		data, err := os.ReadFile(filepath.Join(o.Root, c.Functions))
		if err != nil {
			return s, err
		}
		out, changed, err := PointFunctions(data, ports)
		if err != nil {
			return s, fmt.Errorf("case %s: %s: %w", c.Name, c.Functions, err)
		}
		if !changed {
			s.functions[c.Functions] = c.Functions
			continue
		}
		name := filepath.Join(o.WorkDir, strings.NewReplacer("/", "_", "\\", "_").Replace(c.Functions))
		if err := os.WriteFile(name, out, 0o600); err != nil {
			return s, err
		}
		s.functions[c.Functions] = name
	}
	return s, nil
}

// Stop stops the session's functions.
func (s *Session) Stop() { StopAll(s.running) }

// Logs returns what each function logged, by function name.
func (s *Session) Logs() map[string]string {
	l := map[string]string{}
	for _, r := range s.running {
		l[r.Function.Name] = r.Output()
	}
	return l
}

// Args is the crossplane command line that renders the case, relative to the
// repository root.
func (s *Session) Args(c Case) []string {
	fns := s.functions[c.Functions]
	if fns == "" {
		fns = c.Functions
	}
	args := []string{"render", c.XR, c.Composition, fns,
		"--crossplane-binary=" + s.opts.CrossplaneCore,
		"--include-function-results",
	}
	if c.Observed != "" {
		args = append(args, "--observed-resources="+c.Observed)
	}
	for _, r := range c.Required {
		args = append(args, "--required-resources="+r)
	}
	if c.XRD != "" {
		args = append(args, "--xrd="+c.XRD)
	}
	if c.IncludeFullXR {
		args = append(args, "--include-full-xr")
	}
	if s.opts.RenderTimeout > 0 {
		args = append(args, "--timeout="+s.opts.RenderTimeout.String())
	}
	return args
}

// Render runs the real renderer for one case and returns its standard output.
func (s *Session) Render(ctx context.Context, c Case) ([]byte, error) {
	if err := Exited(s.running); err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, s.opts.abs(s.opts.Crossplane), s.Args(c)...) //nolint:gosec // Our own pinned binary.
	cmd.Dir = s.opts.Root
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return stdout.Bytes(), fmt.Errorf("case %s: crossplane %s: %w\n%s", c.Name, strings.Join(s.Args(c), " "), err, stderr.String())
	}
	return stdout.Bytes(), nil
}

// SelectCases returns the manifest's cases named in names, or all of them.
func SelectCases(m *Manifest, names []string) ([]Case, error) {
	if len(names) == 0 {
		return m.Cases, nil
	}
	byName := map[string]Case{}
	for _, c := range m.Cases {
		byName[c.Name] = c
	}
	var out []Case
	var unknown []string
	for _, n := range names {
		c, ok := byName[n]
		if !ok {
			unknown = append(unknown, n)
			continue
		}
		out = append(out, c)
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, errors.New("unknown case(s): " + strings.Join(unknown, ", "))
	}
	return out, nil
}
