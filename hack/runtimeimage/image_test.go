package main

import (
	"archive/tar"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

func TestImage(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "fn")
	if err := os.WriteFile(bin, []byte("#!binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	o := Options{Binary: bin, Path: "/usr/local/bin/function", Ports: []string{"9443"}, Tag: "example.org/fn:v1", Arch: "amd64"}

	out := filepath.Join(dir, "img.tar")
	if err := Write(o, out); err != nil {
		t.Fatal(err)
	}
	img, err := tarball.ImageFromPath(out, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"/usr/local/bin/function"}, cf.Config.Entrypoint); diff != "" {
		t.Errorf("entrypoint: -want +got:\n%s", diff)
	}
	if cf.Config.User != "65532:65532" {
		t.Errorf("user: want non-root 65532:65532, got %q", cf.Config.User)
	}
	if _, ok := cf.Config.ExposedPorts["9443/tcp"]; !ok {
		t.Errorf("exposed ports: want 9443/tcp, got %v", cf.Config.ExposedPorts)
	}

	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("want one layer, got %d (%v)", len(layers), err)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	files := map[string]int64{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		files[h.Name] = h.Mode
	}
	if mode, ok := files["usr/local/bin/function"]; !ok || mode != 0o755 {
		t.Errorf("binary: want usr/local/bin/function mode 0755 in the layer, got %v", files)
	}

	// Same binary, same digest: packages are reproducible.
	a, _ := img.Digest()
	again, err := Image(o)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := again.Digest()
	if a != b {
		t.Errorf("digest differs between two builds of the same binary: %s != %s", a, b)
	}
}

func TestImageRejectsRelativePath(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "fn")
	if err := os.WriteFile(bin, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Image(Options{Binary: bin, Path: "fn", Tag: "x/y:z"}); err == nil {
		t.Fatal("want an error for a relative path inside the image")
	}
}
