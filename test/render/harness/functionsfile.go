package harness

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"sigs.k8s.io/yaml"
)

// Annotations the renderer reads from a Function to call a function that is
// already running instead of starting a container.
const (
	AnnotationRuntime            = "render.crossplane.io/runtime"
	AnnotationDevelopmentTarget  = "render.crossplane.io/runtime-development-target"
	RuntimeDevelopment           = "Development"
	defaultDevelopmentTargetPort = 9443
)

// parseFunctions decodes every Function in a (multi-document) functions file.
func parseFunctions(data []byte) ([]*unstructured.Unstructured, error) {
	var fns []*unstructured.Unstructured
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	for {
		u := &unstructured.Unstructured{}
		err := d.Decode(&u.Object)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(u.Object) == 0 {
			continue // An empty document, e.g. a trailing ---.
		}
		if u.GetKind() != "Function" || u.GetName() == "" {
			return nil, fmt.Errorf("want only named Functions, got kind %q named %q", u.GetKind(), u.GetName())
		}
		fns = append(fns, u)
	}
	if len(fns) == 0 {
		return nil, errors.New("no Function found")
	}
	return fns, nil
}

// FunctionNames lists the names of the Functions in a functions file.
func FunctionNames(data []byte) ([]string, error) {
	fns, err := parseFunctions(data)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(fns))
	for _, f := range fns {
		names = append(names, f.GetName())
	}
	return names, nil
}

// developmentTarget is the address the renderer dials for a Function, or ""
// when the renderer would not use the Development runtime for it.
func developmentTarget(fn *unstructured.Unstructured) string {
	a := fn.GetAnnotations()
	if a[AnnotationRuntime] != RuntimeDevelopment {
		return ""
	}
	if t := a[AnnotationDevelopmentTarget]; t != "" {
		return t
	}
	return "localhost:" + strconv.Itoa(defaultDevelopmentTargetPort)
}

// targetsPort reports whether target dials loopback port port.
func targetsPort(target string, port int) bool {
	host, p, err := net.SplitHostPort(target)
	if err != nil || p != strconv.Itoa(port) {
		return false
	}
	return host == "localhost" || host == "127.0.0.1"
}

// PointFunctions returns the functions file with every Function set to the
// Development runtime at the loopback port in ports (keyed by Function name).
// changed is false, and out equals data, when the file already says so, so
// that a printed command line can name the committed file. A Function with no
// port is an error: the renderer could not reach it.
func PointFunctions(data []byte, ports map[string]int) (out []byte, changed bool, err error) {
	fns, err := parseFunctions(data)
	if err != nil {
		return nil, false, err
	}
	for _, fn := range fns {
		port, ok := ports[fn.GetName()]
		if !ok {
			return nil, false, fmt.Errorf("function %q is not started by the render harness; add it to the manifest's functions", fn.GetName())
		}
		if targetsPort(developmentTarget(fn), port) {
			continue
		}
		a := fn.GetAnnotations()
		if a == nil {
			a = map[string]string{}
		}
		a[AnnotationRuntime] = RuntimeDevelopment
		a[AnnotationDevelopmentTarget] = net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		fn.SetAnnotations(a)
		changed = true
	}
	if !changed {
		return data, false, nil
	}
	var buf bytes.Buffer
	for i, fn := range fns {
		if i > 0 {
			buf.WriteString("---\n")
		}
		b, err := yaml.Marshal(fn.Object)
		if err != nil {
			return nil, false, err
		}
		buf.Write(b)
	}
	return buf.Bytes(), true, nil
}
