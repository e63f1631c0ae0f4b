//go:build tools

// Package tools records kwok, which fakes nodes and pod status for the local
// control plane of the end-to-end tier, so that go mod tidy keeps it.
package tools

import (
	_ "sigs.k8s.io/kwok/cmd/kwok"
)
