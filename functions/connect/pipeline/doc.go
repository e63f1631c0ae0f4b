// Package pipeline turns a RivvenConnect spec into the pipeline file the real
// rivven-connect binary reads: snake_case keys, registry connector names,
// CDC table selection inside the connector config, and ${VAR} references to
// credentials that reach the pod as environment variables. It is pure: no
// I/O, same input, same bytes.
package pipeline
