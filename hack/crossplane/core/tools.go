//go:build tools

// Package tools pins Crossplane core, whose `crossplane internal render`
// subcommand the CLI runs through --crossplane-binary instead of a container.
// The core module carries its own dependency graph (and a replace directive
// for its apis module that only applies upstream), so it gets a module of its
// own, separate from the CLI's.
package tools

import (
	_ "github.com/crossplane/crossplane/v2/cmd/crossplane"
)
