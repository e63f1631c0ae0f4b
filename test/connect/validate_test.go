package connect

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"

	commonv1alpha1 "github.com/rivven/crossplane-rivven/apis/common/v1alpha1"
	"github.com/rivven/crossplane-rivven/test/composed"
	"github.com/rivven/crossplane-rivven/test/podrun"
	"github.com/rivven/crossplane-rivven/test/rivvenbin"
)

// validOutput is what rivven-connect validate prints for a file it accepts.
const validOutput = "Configuration valid"

// TestComposedPipelinesValidate runs, for every RivvenConnect example and
// every tested release, the init container the function composes, exactly:
// its command and arguments, its env and envFrom from the referenced
// Secrets, the pipeline ConfigMap mounted where the Deployment mounts it,
// with the real rivven-connect. A file the binary rejects is a bug in the
// function.
func TestComposedPipelinesValidate(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../../examples/connect/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no connect examples: %v", err)
	}
	for _, version := range commonv1alpha1.SupportedRivvenVersions {
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".yaml")
			t.Run(version+"/"+name, func(t *testing.T) {
				t.Parallel()
				xr := readYAML(t, "examples/connect/"+name+".yaml")
				// Examples may name the card's 0.0.1, never published:
				// validate with each tested release.
				xr["spec"].(map[string]any)["version"] = version
				c := compose(t, xr)
				pod := runInit(t, c, c.Deployment.Spec.Template.Spec)
				st := pod.Status().InitContainerStatuses[0]
				logs := pod.Logs("validate")
				if st.State.Terminated == nil || st.State.Terminated.ExitCode != 0 || !strings.Contains(logs, validOutput) {
					t.Fatalf("rivven-connect %s validate refused the composed pipeline.yaml: %+v\n%s\n--- pipeline.yaml\n%s",
						version, st.State, logs, c.ConfigMap.Data["pipeline.yaml"])
				}
			})
		}
	}
}

// TestBrokenPipelineStopsThePod: a pipeline file the binary rejects makes
// the composed init container's exact command fail with the binary's own
// message, so the pod never starts rivven-connect and shows why.
func TestBrokenPipelineStopsThePod(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		break_ func(file string) string
		want   string
	}{
		// A sink without topics: the binary's own rule (FACTS §1.3).
		"sink without topics": {
			break_: func(f string) string { return strings.Replace(f, "topics:", "topics_removed:", 1) },
			want:   "Failed to load config",
		},
		"not YAML": {
			break_: func(string) string { return "sources: [unclosed\n" },
			want:   "Failed to load config",
		},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			xr := readYAML(t, "examples/connect/datagen-stdout.yaml")
			xr["spec"].(map[string]any)["version"] = commonv1alpha1.DefaultRivvenVersion
			c := compose(t, xr)
			c.ConfigMap.Data["pipeline.yaml"] = tc.break_(c.ConfigMap.Data["pipeline.yaml"])
			pod := runInit(t, c, c.Deployment.Spec.Template.Spec)
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			if err := podrun.WaitFor(ctx, func() bool {
				return pod.Status().InitContainerStatuses[0].RestartCount >= 1
			}); err != nil {
				t.Fatalf("validate did not fail: %+v", pod.Status().InitContainerStatuses)
			}
			last := pod.Status().InitContainerStatuses[0].LastTerminationState.Terminated
			if last == nil || last.ExitCode == 0 {
				t.Errorf("validate ended %+v, want a non-zero exit", last)
			}
			if logs := pod.Logs("validate"); !strings.Contains(logs, tc.want) {
				t.Errorf("validate did not say %q:\n%s", tc.want, logs)
			}
			if len(pod.Status().ContainerStatuses) == 0 || pod.Status().ContainerStatuses[0].State.Running != nil || pod.Ready() {
				t.Errorf("rivven-connect started although validate failed: %+v", pod.Status().ContainerStatuses)
			}
		})
	}
}

// runInit starts the composed pod with its app containers kept from
// starting (their image resolves to nothing), so only the init container
// (validate) runs, and waits until it has ended once.
func runInit(t *testing.T, c *composed.Connect, spec corev1.PodSpec) *podrun.Pod {
	t.Helper()
	if len(spec.InitContainers) != 1 || spec.InitContainers[0].Name != "validate" {
		t.Fatalf("the Deployment has no validate init container: %+v", spec.InitContainers)
	}
	// The app container must not start for this tier: its image (the same
	// as validate's) resolves only for the init container's run.
	initOnly := spec.DeepCopy()
	for i := range initOnly.Containers {
		initOnly.Containers[i].Image = "not-started/" + initOnly.Containers[i].Name + ":0"
	}
	cfg := pod(t, c, *initOnly, rivvenbin.Resolve)
	pod, err := podrun.Start(network(t), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pod.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := podrun.WaitFor(ctx, func() bool {
		st := pod.Status().InitContainerStatuses[0]
		return st.State.Terminated != nil || st.RestartCount > 0
	}); err != nil {
		t.Fatalf("validate never ended: %+v\n%s", pod.Status().InitContainerStatuses, pod.Logs("validate"))
	}
	return pod
}
