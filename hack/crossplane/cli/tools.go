//go:build tools

// Package tools pins the Crossplane CLI (crossplane composition render,
// crossplane xpkg build, crossplane resource validate) that hack/crossplane/build.sh
// builds into bin/. It lives in its own module so the product's dependency
// graph stays small and the CLI's dependencies never constrain ours.
package tools

import (
	_ "github.com/crossplane/cli/v2/cmd/crossplane"
)
