//go:build tools

// Package tools pins the code generators that `make generate` builds into bin/.
// They live in their own module so the product's dependency graph stays small.
package tools

import (
	_ "github.com/crossplane/crossplane-tools/cmd/angryjet"
	_ "sigs.k8s.io/controller-tools/cmd/controller-gen"
)
