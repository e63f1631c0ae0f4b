package benchfloor

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"google.golang.org/protobuf/types/known/structpb"
	"sigs.k8s.io/yaml"

	fnv1 "github.com/crossplane/function-sdk-go/proto/v1"
)

// annotationResourceName is the annotation by which Crossplane matches an
// observed composed resource to the name the function composed it under.
const annotationResourceName = "crossplane.io/composition-resource-name"

// Objects reads the YAML documents of a file.
func Objects(path string) ([]map[string]any, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []map[string]any
	for _, doc := range bytes.Split(raw, []byte("\n---")) {
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		m := map[string]any{}
		if err := yaml.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, m)
	}
	return out, nil
}

// Object reads the only YAML document of a file.
func Object(path string) (map[string]any, error) {
	objs, err := Objects(path)
	if err != nil {
		return nil, err
	}
	if len(objs) != 1 {
		return nil, fmt.Errorf("%s: want one YAML document, got %d", path, len(objs))
	}
	return objs[0], nil
}

// Captured reads a file written by hack/capture-observed.sh: a composite
// resource of the given kind, then the resources composed for it. It returns
// the composite and the composed resources keyed as Crossplane presents them.
func Captured(path, kind string) (map[string]any, map[string]*fnv1.Resource, error) {
	objs, err := Objects(path)
	if err != nil {
		return nil, nil, err
	}
	if len(objs) < 2 || objs[0]["kind"] != kind {
		return nil, nil, fmt.Errorf("%s: want a %s followed by its composed resources", path, kind)
	}
	observed, err := Observed(objs[1:])
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return objs[0], observed, nil
}

// ObservedFile reads a file of observed composed resources, each carrying
// its composition-resource-name annotation, keyed as Observed keys them.
func ObservedFile(path string) (map[string]*fnv1.Resource, error) {
	objs, err := Objects(path)
	if err != nil {
		return nil, err
	}
	observed, err := Observed(objs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return observed, nil
}

// Resource wraps an object as a function-protocol resource.
func Resource(obj map[string]any) (*fnv1.Resource, error) {
	s, err := structpb.NewStruct(obj)
	if err != nil {
		return nil, err
	}
	return &fnv1.Resource{Resource: s}, nil
}

// Observed keys objects by their composition-resource-name annotation, as
// Crossplane presents observed composed resources to a function.
func Observed(objs []map[string]any) (map[string]*fnv1.Resource, error) {
	out := make(map[string]*fnv1.Resource, len(objs))
	for _, o := range objs {
		md, _ := o["metadata"].(map[string]any)
		ann, _ := md["annotations"].(map[string]any)
		key, _ := ann[annotationResourceName].(string)
		if key == "" {
			return nil, fmt.Errorf("observed %v has no %s annotation", md["name"], annotationResourceName)
		}
		r, err := Resource(o)
		if err != nil {
			return nil, err
		}
		out[key] = r
	}
	return out, nil
}

// Request builds what Crossplane sends a function: the composite resource
// as observed, the observed composed resources (may be nil), and the
// required resources by requirement name (may be nil).
func Request(xr map[string]any, observed map[string]*fnv1.Resource, required map[string][]map[string]any) (*fnv1.RunFunctionRequest, error) {
	oxr, err := Resource(xr)
	if err != nil {
		return nil, err
	}
	req := &fnv1.RunFunctionRequest{
		Meta:     &fnv1.RequestMeta{Tag: "bench"},
		Observed: &fnv1.State{Composite: oxr, Resources: observed},
		Desired:  &fnv1.State{},
	}
	if len(required) > 0 {
		req.RequiredResources = map[string]*fnv1.Resources{}
		for name, objs := range required {
			rs := &fnv1.Resources{}
			for _, o := range objs {
				r, err := Resource(o)
				if err != nil {
					return nil, err
				}
				rs.Items = append(rs.Items, r)
			}
			req.RequiredResources[name] = rs
		}
	}
	return req, nil
}

// stripComments drops YAML comment lines so a file's header comment does
// not count as a document.
func stripComments(doc []byte) []byte {
	var b strings.Builder
	for _, l := range strings.Split(string(doc), "\n") {
		if t := strings.TrimSpace(l); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		b.WriteString(l)
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
