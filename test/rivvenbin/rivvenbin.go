// Package rivvenbin finds the real Rivven binaries that hack/rivven/build.sh
// (make rivven) builds, and maps the images our functions compose to them.
package rivvenbin

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Images of the Rivven release, by repository, and the binary each holds as
// its entrypoint (/app).
var Images = map[string]string{
	"ghcr.io/hupe1980/rivvend":        "rivvend",
	"ghcr.io/hupe1980/rivven-connect": "rivven-connect",
}

// Dir is bin/rivven of the repository, or $RIVVEN_BIN_DIR.
func Dir() string {
	if d := os.Getenv("RIVVEN_BIN_DIR"); d != "" {
		return d
	}
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "bin", "rivven")
}

// Binary is the path of binary name ("rivvend", "rivven-connect", "rivven")
// of a version, or an error naming the command that builds it.
func Binary(version, name string) (string, error) {
	p := filepath.Join(Dir(), version, name)
	if fi, err := os.Stat(p); err != nil || fi.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s %s is not built (%s): run `make rivven` (hack/rivven/build.sh %s)", name, version, p, version)
	}
	return p, nil
}

// Resolve maps an image reference repository:tag to the binary of that
// release: ghcr.io/hupe1980/rivvend:0.0.22 is bin/rivven/0.0.22/rivvend. An
// image of another repository, or a version that is not built, is an error,
// as an image that cannot be pulled would be.
func Resolve(image string) (string, error) {
	i := strings.LastIndex(image, ":")
	if i < 0 || strings.Contains(image[i:], "/") {
		return "", fmt.Errorf("image %q has no tag", image)
	}
	repo, tag := image[:i], image[i+1:]
	name, ok := Images[repo]
	if !ok {
		return "", fmt.Errorf("image %q is not a Rivven release image", image)
	}
	return Binary(tag, name)
}
