//go:build tools

// Package tools records what this module builds and reads, so that go mod tidy
// keeps them.
package tools

import (
	_ "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
