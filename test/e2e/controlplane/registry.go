package controlplane

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// startRegistry serves an in-memory OCI registry on the address the packages
// were built for and pushes the four packages of _output/xpkg into it, under
// the registry's path (an organisation, as users push to).
func (c *ControlPlane) startRegistry(ctx context.Context) error {
	host := c.Build.Host()
	l, err := net.Listen("tcp", host)
	if err != nil {
		return fmt.Errorf("the packages name registry %s, but it cannot be served (is `make run` still up? `make stop`): %w", host, err)
	}
	srv := &http.Server{
		Handler:           registry.New(registry.Logger(log.New(io.Discard, "", 0))),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			c.logf("registry: %v", err)
		}
	}()
	c.stopRegistry = func() { _ = srv.Close() }
	for _, p := range packages {
		path := c.bin("_output", "xpkg", p+".xpkg")
		img, err := tarball.ImageFromPath(path, nil)
		if err != nil {
			return fmt.Errorf("read %s: %w", c.rel(path), err)
		}
		ref, err := name.ParseReference(c.Build.Ref(p), name.Insecure)
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img, remote.WithContext(ctx)); err != nil {
			return fmt.Errorf("push %s: %w", ref, err)
		}
		d, _ := img.Digest()
		c.logf("pushed %s (%s)", ref, d)
	}
	return nil
}
