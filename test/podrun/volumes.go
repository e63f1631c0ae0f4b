package podrun

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
)

// Mounts maps the mount paths of one container to the directories behind
// them.
type Mounts []Mount

// Mount is one volume mount made real: Path inside the container, Dir on
// this machine.
type Mount struct {
	Path, Dir string
	ReadOnly  bool
}

// Map returns the host path of a container path: the directory of the
// longest mount that contains it, or p unchanged when no mount does (such a
// path would be on the image's root filesystem, which holds only the binary).
func (m Mounts) Map(p string) string {
	for _, mt := range m { // sorted longest first
		if p == mt.Path {
			return mt.Dir
		}
		if rest, ok := strings.CutPrefix(p, strings.TrimSuffix(mt.Path, "/")+"/"); ok {
			return filepath.Join(mt.Dir, rest)
		}
	}
	return p
}

// Contains reports whether container path p lies on a mounted volume.
func (m Mounts) Contains(p string) bool { return m.Map(p) != p }

// MapValues rewrites every value that is, or starts with, a mounted path.
// Only whole paths are rewritten: a value such as "0.0.0.0:9092" never is.
func (m Mounts) MapValues(env map[string]string) map[string]string {
	out := make(map[string]string, len(env))
	for k, v := range env {
		out[k] = m.Map(v)
	}
	return out
}

// VolumeDirs supplies the directory of a volume that outlives a container:
// claim-template volumes (the PersistentVolumeClaim data-rivven-x-0) and
// emptyDirs (which live as long as the pod).
type VolumeDirs func(volume string) (string, error)

// MakeMounts materialises the volumes container c mounts. Secret and
// ConfigMap volumes are (re)written from objs, with their items and modes,
// into dir/<volume>; the others come from dirs. uid and gid own what is
// written, as the kubelet's fsGroup handling would make it readable.
func MakeMounts(spec corev1.PodSpec, c corev1.Container, objs Objects, dirs VolumeDirs, dir string, uid, gid int) (Mounts, error) {
	vols := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		vols[v.Name] = v
	}
	var out Mounts
	for _, vm := range c.VolumeMounts {
		v, ok := vols[vm.Name]
		var host string
		var err error
		switch {
		case !ok || v.PersistentVolumeClaim != nil || v.EmptyDir != nil:
			// A name without a volume is a claim template's.
			host, err = dirs(vm.Name)
		case v.Secret != nil:
			s, found := objs.Secrets[v.Secret.SecretName]
			if !found {
				if isOptional(v.Secret.Optional) {
					host, err = writeFiles(filepath.Join(dir, vm.Name), nil, nil, nil, uid, gid)
					break
				}
				return nil, fmt.Errorf("volume %s: secret %q not found", vm.Name, v.Secret.SecretName)
			}
			host, err = writeFiles(filepath.Join(dir, vm.Name), secretData(s), v.Secret.Items, v.Secret.DefaultMode, uid, gid)
		case v.ConfigMap != nil:
			cm, found := objs.ConfigMaps[v.ConfigMap.Name]
			if !found {
				return nil, fmt.Errorf("volume %s: configmap %q not found", vm.Name, v.ConfigMap.Name)
			}
			data := map[string][]byte{}
			for k, s := range cm.Data {
				data[k] = []byte(s)
			}
			host, err = writeFiles(filepath.Join(dir, vm.Name), data, v.ConfigMap.Items, v.ConfigMap.DefaultMode, uid, gid)
		default:
			return nil, fmt.Errorf("volume %s: unsupported volume source", vm.Name)
		}
		if err != nil {
			return nil, fmt.Errorf("volume %s: %w", vm.Name, err)
		}
		if vm.SubPath != "" {
			host = filepath.Join(host, vm.SubPath)
		}
		out = append(out, Mount{Path: vm.MountPath, Dir: host, ReadOnly: vm.ReadOnly})
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i].Path) > len(out[j].Path) })
	return out, nil
}

// writeFiles writes data (or only items, when given) into dir, replacing
// what was there, as the kubelet's atomic writer presents a projected volume.
func writeFiles(dir string, data map[string][]byte, items []corev1.KeyToPath, defaultMode *int32, uid, gid int) (string, error) {
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	mode := os.FileMode(0o644)
	if defaultMode != nil {
		mode = os.FileMode(*defaultMode)
	}
	type file struct {
		path string
		mode os.FileMode
		data []byte
	}
	var files []file
	if len(items) == 0 {
		for k, v := range data {
			files = append(files, file{k, mode, v})
		}
	}
	for _, it := range items {
		v, ok := data[it.Key]
		if !ok {
			return "", fmt.Errorf("key %q not found", it.Key)
		}
		m := mode
		if it.Mode != nil {
			m = os.FileMode(*it.Mode)
		}
		files = append(files, file{it.Path, m, v})
	}
	for _, f := range files {
		p := filepath.Join(dir, f.path)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, f.data, f.mode); err != nil {
			return "", err
		}
		if err := os.Chmod(p, f.mode); err != nil {
			return "", err
		}
		if err := os.Chown(p, uid, gid); err != nil {
			return "", err
		}
	}
	return dir, nil
}
