// Package schematest checks a kind's generated schema offline, the way the
// API server would.
//
// A test package declares its schema once,
//
//	var rivvenTopics = schematest.CRD("rivven.io_rivventopics.yaml")
//
// (XRD for a composite resource) and then asks it for the API server's own
// CRD validation, which compiles every CEL rule and estimates its cost
// (ValidateCRD), or to admit objects with defaulting, OpenAPI validation,
// list-type checks and CEL rules (Admit), including transition rules against
// an old object (AdmitUpdate).
//
// The schema is the one users get: the file under package/xrds or
// package/crds when `make generate` has run, otherwise what bin/controller-gen
// generates from the Go types now, in a subprocess. Go cannot see that
// dependency, so each test package must import its API package (a blank
// import does) to tie the test cache to the types' source.
//
// The package imports testing and serves the _test.go files of the API
// packages under apis/<kind>/<version>. It relies on `go test` running in
// that directory: the directory is the package controller-gen reads and its
// name is the version under test.
package schematest
