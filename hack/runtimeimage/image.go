package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// nonRoot is the user and group the image runs as; it matches the distroless
// "nonroot" user that the Rivven images use too.
const nonRoot = "65532:65532"

// Options of one runtime image.
type Options struct {
	Binary string
	Path   string
	Ports  []string
	Tag    string
	Arch   string
}

// Image builds the runtime image. Every timestamp is the Unix epoch, so the
// same binary always yields the same image digest.
func Image(o Options) (v1.Image, error) {
	bin, err := os.ReadFile(o.Binary)
	if err != nil {
		return nil, err
	}
	if !path.IsAbs(o.Path) {
		return nil, fmt.Errorf("path %q must be absolute", o.Path)
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar(o.Path, bin))), nil
	})
	if err != nil {
		return nil, err
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: layer, History: v1.History{CreatedBy: "runtimeimage: " + path.Base(o.Path)}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS = "linux"
	cf.Architecture = o.Arch
	cf.Config.Entrypoint = []string{o.Path}
	cf.Config.User = nonRoot
	cf.Config.WorkingDir = "/"
	if len(o.Ports) > 0 {
		cf.Config.ExposedPorts = map[string]struct{}{}
		for _, p := range o.Ports {
			cf.Config.ExposedPorts[strings.TrimSpace(p)+"/tcp"] = struct{}{}
		}
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, err
	}
	return mutate.CreatedAt(img, v1.Time{Time: time.Unix(0, 0).UTC()})
}

// Write builds the runtime image and writes it as a tarball.
func Write(o Options, out string) error {
	ref, err := name.ParseReference(o.Tag)
	if err != nil {
		return fmt.Errorf("tag: %w", err)
	}
	img, err := Image(o)
	if err != nil {
		return err
	}
	return tarball.WriteToFile(out, ref, img)
}

// layerTar returns a tar stream holding the binary and the directories above
// it, owned by root and executable by everyone.
func layerTar(p string, bin []byte) []byte {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	epoch := time.Unix(0, 0)
	dirs := strings.Split(strings.TrimPrefix(path.Dir(p), "/"), "/")
	for i := range dirs {
		_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: strings.Join(dirs[:i+1], "/") + "/", Mode: 0o755, ModTime: epoch})
	}
	_ = tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: strings.TrimPrefix(p, "/"), Mode: 0o755, Size: int64(len(bin)), ModTime: epoch})
	_, _ = tw.Write(bin)
	_ = tw.Close()
	return buf.Bytes()
}
