// Package podrun runs the containers of a composed pod as real processes on
// this machine, the way a kubelet would, so that tests judge the pods our
// functions compose with the real binaries instead of a reading of their
// source:
//
//   - each pod gets its own network namespace with its own IP on a bridge of
//     the caller's (private) network namespace, so every broker binds the
//     ports its environment names, as it would in its pod;
//   - a container's environment is resolved from the pod spec exactly as the
//     kubelet resolves it: envFrom ConfigMaps and Secrets (with prefixes),
//     env values with $(VAR) expansion, downward-API fields, Secret and
//     ConfigMap key references;
//   - volumes are directories: emptyDir and claim templates are kept per
//     pod, Secret and ConfigMap volumes are written as files with their
//     modes; a path inside a mount that appears in the environment or the
//     arguments is mapped to the directory behind that mount;
//   - the process runs as the pod's user and group with no new privileges;
//   - readiness and liveness probes run with the composed timing: HTTP and
//     TCP against the pod's address, exec inside the container; a failed
//     liveness probe or an exit restarts the container with the kubelet's
//     back-off, and the status records the restart count and the last
//     termination.
//
// The image of a container is mapped to a binary by an ImageResolver: the
// images carry only the binary (their entrypoint), so the binary is the
// container. Nothing here marks a pod ready by itself: Ready is the result
// of the composed readiness probe.
package podrun
