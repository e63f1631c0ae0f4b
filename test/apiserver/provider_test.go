package apiserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	clientgoscheme "k8s.io/client-go/kubernetes/scheme"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"
)

// providerPoll is the provider's drift-check interval in this test: short, so
// that reverting an out-of-band change is observed within seconds.
const providerPoll = time.Second

// startProvider builds provider-rivven's binary and runs it, as a package
// installation would, against the test API server until the test ends,
// watching namespace ns only (other tests' topics are not its business). It
// logs to the test's output when the test fails (or always with
// APISERVER_TEST_VERBOSE).
func startProvider(t *testing.T, ns string) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "provider")
	build := exec.Command("go", "build", "-o", bin, "./provider/cmd/provider")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./provider/cmd/provider: %v\n%s", err, out)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, cfg); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin,
		"--poll", providerPoll.String(), "--max-reconcile-rate", "50", "--max-concurrent-reconciles", "5",
		"--no-leader-election", "--metrics-addr", "0", "--health-addr", "0", "--namespace", ns, "--debug")
	cmd.Env = append(os.Environ(), "KUBECONFIG="+kubeconfig)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if os.Getenv("APISERVER_TEST_VERBOSE") != "" {
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		cancel()
		<-done
		if t.Failed() {
			t.Logf("provider log:\n%s", out.String())
		}
	})
}

// writeKubeconfig writes the test's admin access as a kubeconfig file.
func writeKubeconfig(path string, c *rest.Config) error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["test"] = &clientcmdapi.Cluster{Server: c.Host, CertificateAuthorityData: c.CAData}
	kc.AuthInfos["test"] = &clientcmdapi.AuthInfo{ClientCertificateData: c.CertData, ClientKeyData: c.KeyData, Token: c.BearerToken}
	kc.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: "test"}
	kc.CurrentContext = "test"
	return clientcmd.WriteToFile(*kc, path)
}

// syncBuffer collects a process's output for the test log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// eventually retries f until it succeeds or the timeout passes, then fails
// the test with f's last error.
func eventually(t *testing.T, timeout time.Duration, what string, f func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s: %v", what, timeout, err)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// broker is what the test reads back from kfake with its own admin client.
type broker struct{ adm *kadm.Client }

func (b broker) topic(ctx context.Context, name string) (partitions, rf int, err error) {
	d, err := b.adm.ListTopics(ctx, name)
	if err != nil {
		return 0, 0, err
	}
	td, ok := d[name]
	if !ok || td.Err != nil {
		return 0, 0, fmt.Errorf("topic %s not on the broker (%v)", name, td.Err)
	}
	return len(td.Partitions), len(td.Partitions[0].Replicas), nil
}

func (b broker) configs(ctx context.Context, name string, keys ...string) (map[string]string, error) {
	rc, err := b.adm.DescribeTopicConfigs(ctx, name)
	if err != nil {
		return nil, err
	}
	r, err := rc.On(name, nil)
	if err != nil {
		return nil, err
	}
	if r.Err != nil {
		return nil, r.Err
	}
	out := map[string]string{}
	for _, c := range r.Configs {
		for _, k := range keys {
			if c.Key == k && c.Value != nil {
				out[k] = *c.Value
			}
		}
	}
	return out, nil
}

// acls lists the topic's literal ACLs as "principal host operation permission".
func (b broker) acls(ctx context.Context, name string) ([]string, error) {
	f := kadm.NewACLs().Topics(name).ResourcePatternType(kadm.ACLPatternLiteral).
		Allow().AllowHosts().Deny().DenyHosts().Operations(kadm.OpAny)
	res, err := b.adm.DescribeACLs(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, r := range res {
		if r.Err != nil {
			return nil, r.Err
		}
		for _, d := range r.Described {
			out = append(out, fmt.Sprintf("%s %s %s %s", d.Principal, d.Host, d.Operation, d.Permission))
		}
	}
	sort.Strings(out)
	return out, nil
}

// TestProviderReconcilesTopics runs provider-rivven's controllers against the
// real API server and an in-process Kafka (kfake): the documented RivvenTopic
// must appear on the broker with its configs and ACLs, report them in its
// status and printer columns, follow edits, revert out-of-band changes, and
// honour deleteOnRemove both ways.
func TestProviderReconcilesTopics(t *testing.T) {
	kc, err := kfake.NewCluster(kfake.NumBrokers(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(kc.Close)
	cl, err := kgo.NewClient(kgo.SeedBrokers(kc.ListenAddrs()...))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cl.Close)
	b := broker{adm: kadm.NewClient(cl)}

	ctx := context.Background()
	ns := namespace(t, nil)
	startProvider(t, ns)

	// What function-rivven-cluster composes for RivvenCluster "production".
	pc := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "rivven.io/v1alpha1", "kind": "ProviderConfig",
		"metadata": map[string]any{"name": "production", "namespace": ns},
		"spec":     map[string]any{"protocol": "Kafka", "bootstrapServers": toAny(kc.ListenAddrs())},
	}}
	if _, err := apply(ctx, pc); err != nil {
		t.Fatalf("ProviderConfig: %v", err)
	}

	objs, err := readObjects(filepath.Join("testdata", "provider", "orders-events.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	rt := objs[0]
	rt.SetNamespace(ns)
	if _, err := apply(ctx, rt); err != nil {
		t.Fatalf("RivvenTopic: %v", err)
	}
	// A second topic, deleted with its resource at the end. It is created now
	// because the managed reconciler trusts a "does not exist" only 30 seconds
	// (its creation grace period) after creation: starting both clocks
	// together keeps the test at one such wait instead of two.
	scratch := rt.DeepCopy()
	scratch.SetName("orders-scratch")
	_ = unstructured.SetNestedField(scratch.Object, true, "spec", "deleteOnRemove")
	if _, err := apply(ctx, scratch); err != nil {
		t.Fatalf("RivvenTopic: %v", err)
	}

	const wait = 60 * time.Second
	name := rt.GetName()
	wantConfigs := map[string]string{
		"retention.ms": "604800000", "cleanup.policy": "delete",
		"compression.type": "lz4", "min.insync.replicas": "2",
	}
	configKeys := []string{"retention.ms", "cleanup.policy", "compression.type", "min.insync.replicas"}
	wantACLs := []string{
		"User:analytics * READ ALLOW",
		"User:order-service * READ ALLOW",
		"User:order-service * WRITE ALLOW",
	}

	t.Run("topic, configs and ACLs appear on the broker", func(t *testing.T) {
		eventually(t, wait, "topic on the broker", func() error {
			p, rf, err := b.topic(ctx, name)
			if err != nil {
				return err
			}
			if p != 12 || rf != 3 {
				return fmt.Errorf("partitions %d replication factor %d; want 12 and 3", p, rf)
			}
			return nil
		})
		eventually(t, wait, "topic configs", func() error { return configsAre(ctx, b, name, configKeys, wantConfigs) })
		eventually(t, wait, "topic ACLs", func() error { return aclsAre(ctx, b, name, wantACLs) })
	})

	t.Run("status, conditions and printer columns", func(t *testing.T) {
		eventually(t, wait, "Ready and Synced", func() error {
			got := getTopic(ctx, t, ns, name)
			for _, c := range []string{"Ready", "Synced"} {
				if s := condition(got, c); s != "True" {
					return fmt.Errorf("condition %s is %q", c, s)
				}
			}
			ap, _ := lookup(got.Object, "status.atProvider")
			want := map[string]any{
				"topicName": name, "partitions": int64(12), "replicationFactor": int64(3),
				"configs": toAnyMap(wantConfigs),
			}
			if d := missing(want, ap, "status.atProvider"); len(d) > 0 {
				return fmt.Errorf("status.atProvider lacks %q: %v", d, ap)
			}
			if id, _ := lookup(got.Object, "status.atProvider.topicId"); id == nil || id == "" {
				return errors.New("status.atProvider.topicId is empty")
			}
			return nil
		})
		cols, row := printerColumns(t, ns, name)
		want := map[string]string{"READY": "True", "SYNCED": "True", "PARTITIONS": "12", "RF": "3"}
		got := map[string]string{}
		for i, c := range cols {
			if _, ok := want[c]; ok {
				got[c] = fmt.Sprint(row[i])
			}
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("kubectl get columns (-want +got):\n%s", d)
		}
	})

	// The provider caches objects without managedFields and writes them back
	// so (finalizer, annotations, status): the API server must read that as
	// "unchanged" and keep every manager's ownership, or the next apply
	// would no longer own (and so no longer be able to remove) its fields.
	t.Run("field ownership survives the provider's writes", func(t *testing.T) {
		got := getTopic(ctx, t, ns, name)
		if f := got.GetFinalizers(); len(f) != 1 || f[0] != topicFinalizer {
			t.Errorf("finalizers %v, want [%s]", f, topicFinalizer)
		}
		managers := map[string]bool{}
		for _, e := range got.GetManagedFields() {
			managers[e.Manager+" "+string(e.Operation)] = true
		}
		if !managers[string(fieldOwner)+" Apply"] {
			t.Errorf("the applier's ownership is gone after the provider's updates: managedFields %v", managers)
		}
		if len(managers) < 2 {
			t.Errorf("no manager entry for the provider's own updates: %v", managers)
		}
	})

	t.Run("edits of partitions and config propagate", func(t *testing.T) {
		edit := rt.DeepCopy()
		_ = unstructured.SetNestedField(edit.Object, int64(16), "spec", "partitions")
		_ = unstructured.SetNestedField(edit.Object, int64(86400000), "spec", "config", "retentionMs")
		if _, err := apply(ctx, edit); err != nil {
			t.Fatal(err)
		}
		eventually(t, wait, "16 partitions", func() error {
			p, _, err := b.topic(ctx, name)
			if err == nil && p != 16 {
				err = fmt.Errorf("%d partitions", p)
			}
			return err
		})
		wantConfigs["retention.ms"] = "86400000"
		eventually(t, wait, "retention.ms edit", func() error { return configsAre(ctx, b, name, configKeys, wantConfigs) })
	})

	t.Run("out-of-band changes on the broker are reverted", func(t *testing.T) {
		v := "1000"
		resp, err := b.adm.AlterTopicConfigs(ctx, []kadm.AlterConfig{{Op: kadm.SetConfig, Name: "retention.ms", Value: &v}}, name)
		if err == nil {
			var r kadm.AlterConfigsResponse
			if r, err = resp.On(name, nil); err == nil {
				err = r.Err
			}
		}
		if err != nil {
			t.Fatalf("out-of-band config change: %v", err)
		}
		cr, err := b.adm.CreateACLs(ctx, kadm.NewACLs().Topics(name).ResourcePatternType(kadm.ACLPatternLiteral).
			Allow("User:intruder").AllowHosts("*").Operations(kadm.OpDelete))
		if err == nil && len(cr) > 0 {
			err = cr[0].Err
		}
		if err != nil {
			t.Fatalf("out-of-band ACL: %v", err)
		}
		// The provider polls every second: it may already have reverted, so
		// only require that the change reached the broker if it is seen.
		if got, err := b.configs(ctx, name, "retention.ms"); err == nil {
			t.Logf("retention.ms right after the out-of-band change: %s", got["retention.ms"])
		}
		eventually(t, wait, "config reverted", func() error { return configsAre(ctx, b, name, configKeys, wantConfigs) })
		eventually(t, wait, "ACL reverted", func() error { return aclsAre(ctx, b, name, wantACLs) })
	})

	t.Run("deleteOnRemove false keeps the topic", func(t *testing.T) {
		deleteAndWait(ctx, t, ns, name, wait)
		if _, _, err := b.topic(ctx, name); err != nil {
			t.Errorf("topic gone from the broker after delete with deleteOnRemove false: %v", err)
		}
	})

	t.Run("deleteOnRemove true deletes the topic", func(t *testing.T) {
		eventually(t, wait, "scratch topic created", func() error { _, _, err := b.topic(ctx, "orders-scratch"); return err })
		eventually(t, wait, "scratch topic Ready", func() error {
			if s := condition(getTopic(ctx, t, ns, "orders-scratch"), "Ready"); s != "True" {
				return fmt.Errorf("Ready is %q", s)
			}
			return nil
		})
		deleteAndWait(ctx, t, ns, "orders-scratch", wait)
		eventually(t, wait, "scratch topic deleted from the broker", func() error {
			if _, _, err := b.topic(ctx, "orders-scratch"); err == nil {
				return errors.New("still there")
			}
			return nil
		})
		if acls, err := b.acls(ctx, "orders-scratch"); err != nil || len(acls) > 0 {
			t.Errorf("ACLs of the deleted topic: %q, %v", acls, err)
		}
	})
}

func configsAre(ctx context.Context, b broker, name string, keys []string, want map[string]string) error {
	got, err := b.configs(ctx, name, keys...)
	if err != nil {
		return err
	}
	if d := cmp.Diff(want, got); d != "" {
		return fmt.Errorf("configs (-want +got):\n%s", d)
	}
	return nil
}

func aclsAre(ctx context.Context, b broker, name string, want []string) error {
	got, err := b.acls(ctx, name)
	if err != nil {
		return err
	}
	if d := cmp.Diff(want, got); d != "" {
		return fmt.Errorf("ACLs (-want +got):\n%s", d)
	}
	return nil
}

func getTopic(ctx context.Context, t *testing.T, ns, name string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetAPIVersion("rivven.io/v1alpha1")
	u.SetKind("RivvenTopic")
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, u); err != nil {
		t.Fatal(err)
	}
	return u
}

func condition(u *unstructured.Unstructured, typ string) string {
	cs, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range cs {
		if m, ok := c.(map[string]any); ok && m["type"] == typ {
			s, _ := m["status"].(string)
			return s
		}
	}
	return ""
}

// deleteAndWait deletes a RivvenTopic and waits until it is gone: the
// provider must remove its finalizer.
func deleteAndWait(ctx context.Context, t *testing.T, ns, name string, wait time.Duration) {
	t.Helper()
	u := getTopic(ctx, t, ns, name)
	if len(u.GetFinalizers()) == 0 {
		t.Errorf("%s has no finalizer before deletion", describe(u))
	}
	if err := k8s.Delete(ctx, u); err != nil {
		t.Fatal(err)
	}
	eventually(t, wait, "RivvenTopic deleted (finalizer removed)", func() error {
		err := k8s.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, u.DeepCopy())
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("still present, finalizers %v (%v)", u.GetFinalizers(), err)
	})
}

// printerColumns asks the API server for the table kubectl get prints.
func printerColumns(t *testing.T, ns, name string) ([]string, []any) {
	t.Helper()
	c := rest.CopyConfig(cfg)
	c.GroupVersion = &corev1.SchemeGroupVersion
	c.APIPath = "/apis"
	c.NegotiatedSerializer = clientgoscheme.Codecs.WithoutConversion()
	rc, err := rest.UnversionedRESTClientFor(c)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := rc.Get().AbsPath("/apis/rivven.io/v1alpha1/namespaces", ns, "rivventopics", name).
		SetHeader("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io").
		DoRaw(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tbl := &metav1.Table{}
	if err := json.Unmarshal(raw, tbl); err != nil {
		t.Fatal(err)
	}
	if len(tbl.Rows) != 1 {
		t.Fatalf("table has %d rows", len(tbl.Rows))
	}
	var cols []string
	for _, c := range tbl.ColumnDefinitions {
		cols = append(cols, strings.ToUpper(c.Name))
	}
	return cols, tbl.Rows[0].Cells
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func toAnyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// topicFinalizer is the finalizer provider-rivven puts on a RivvenTopic
// (provider/internal/controller/topic.Finalizer): a contract with every
// stored object, so it is spelled out here rather than imported.
const topicFinalizer = "rivven.io/kafka-topic"
