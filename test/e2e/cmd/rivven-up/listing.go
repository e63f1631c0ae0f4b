package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/duration"
	"k8s.io/client-go/rest"
)

// kind is one resource of the listing; group "" is the core API.
type kind struct {
	group, version, resource string
}

// listed are the seed's composites and topic (all namespaces) and what they
// compose in namespace default, the objects `kubectl get` would show.
var (
	composites = []kind{
		{"rivven.io", "v1alpha1", "rivvenclusters"},
		{"rivven.io", "v1alpha1", "rivvenconnects"},
		{"rivven.io", "v1alpha1", "rivventopics"},
	}
	composed = []kind{
		{"apps", "v1", "statefulsets"},
		{"apps", "v1", "deployments"},
		{"", "v1", "pods"},
		{"", "v1", "persistentvolumeclaims"},
		{"", "v1", "services"},
		{"", "v1", "configmaps"},
		{"policy", "v1", "poddisruptionbudgets"},
		{"monitoring.coreos.com", "v1", "servicemonitors"},
		{"rivven.io", "v1alpha1", "providerconfigs"},
		{"", "v1", "secrets"},
	}
)

// printListing prints each kind as `kubectl get` does, from the API
// server's own Table rendering (the columns kubectl shows, CRDs' printer
// columns included), so the listing needs no kubectl on the machine.
func printListing(ctx context.Context, w io.Writer, cfg *rest.Config) error {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	for _, k := range composites {
		if err := printTable(ctx, w, hc, cfg.Host, k, ""); err != nil {
			return err
		}
	}
	for _, k := range composed {
		if err := printTable(ctx, w, hc, cfg.Host, k, "default"); err != nil {
			return err
		}
	}
	return nil
}

// printTable prints one kind in namespace ns, or in every namespace with a
// NAMESPACE column when ns is "".
func printTable(ctx context.Context, w io.Writer, hc *http.Client, host string, k kind, ns string) error {
	path := "/api/" + k.version
	if k.group != "" {
		path = "/apis/" + k.group + "/" + k.version
	}
	if ns != "" {
		path += "/namespaces/" + ns
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(host, "/")+path+"/"+k.resource, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return fmt.Errorf("list %s: %s: %s", k.resource, resp.Status, b)
	}
	var t metav1.Table
	if err := json.NewDecoder(resp.Body).Decode(&t); err != nil {
		return fmt.Errorf("list %s: %w", k.resource, err)
	}
	where := "namespace " + ns
	if ns == "" {
		where = "all namespaces"
	}
	fmt.Fprintf(w, "%s (%s):\n", k.resource, where)
	if len(t.Rows) == 0 {
		fmt.Fprint(w, "  none\n\n")
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 8, 3, ' ', 0)
	var cols []int
	var head []string
	if ns == "" {
		head = append(head, "NAMESPACE")
	}
	for i, c := range t.ColumnDefinitions {
		if c.Priority == 0 {
			cols = append(cols, i)
			head = append(head, strings.ToUpper(c.Name))
		}
	}
	fmt.Fprintln(tw, "  "+strings.Join(head, "\t"))
	for _, r := range t.Rows {
		var cells []string
		if ns == "" {
			cells = append(cells, rowNamespace(r))
		}
		for _, i := range cols {
			cells = append(cells, cell(t.ColumnDefinitions[i], r.Cells[i]))
		}
		fmt.Fprintln(tw, "  "+strings.Join(cells, "\t"))
	}
	fmt.Fprintln(tw)
	return tw.Flush()
}

// cell formats a value as kubectl does: dates as an age, nothing as "".
func cell(c metav1.TableColumnDefinition, v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok && c.Type == "date" {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return duration.HumanDuration(time.Since(t))
		}
	}
	if f, ok := v.(float64); ok && f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(v)
}

// rowNamespace reads the namespace from the row's partial object metadata,
// which the server includes by default.
func rowNamespace(r metav1.TableRow) string {
	var m struct {
		Metadata struct {
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	_ = json.Unmarshal(r.Object.Raw, &m)
	return m.Metadata.Namespace
}
