// Package cluster is function-rivven-cluster: a Crossplane composition
// function that expands a RivvenCluster into the Kubernetes objects that run
// a Rivven broker cluster with the real rivvend binary.
//
// The package is split into pure builders (spec in, objects out; one file per
// object) and the thin RunFunction glue in fn.go that reads the request and
// writes the response.
package cluster
