//go:build tools

// Package tools records Argo CD's multi-call binary (application controller,
// repo server, CLI, ...) so that go mod tidy keeps it.
package tools

import (
	_ "github.com/argoproj/argo-cd/v3/cmd"
)
