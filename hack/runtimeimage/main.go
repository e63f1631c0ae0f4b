// Command runtimeimage writes the runtime image of one of our binaries as an
// OCI image tarball, in pure Go, so packages build on machines without a
// container engine. The image holds a single static binary, runs as a
// non-root user and exposes the given ports; `crossplane xpkg build
// --embed-runtime-image-tarball` embeds it into the package.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	var o Options
	var ports string
	flag.StringVar(&o.Binary, "binary", "", "Path of the static binary to put in the image.")
	flag.StringVar(&o.Path, "path", "/usr/local/bin/app", "Path of the binary inside the image; also the entrypoint.")
	flag.StringVar(&ports, "ports", "", "Comma-separated TCP ports the image exposes, e.g. 9443,8080.")
	flag.StringVar(&o.Tag, "tag", "", "Image reference recorded in the tarball, e.g. rivven/function-rivven-cluster:v0.1.0.")
	flag.StringVar(&o.Arch, "arch", "amd64", "Architecture of the binary.")
	out := flag.String("o", "", "Tarball to write.")
	flag.Parse()

	if ports != "" {
		o.Ports = strings.Split(ports, ",")
	}
	if o.Binary == "" || o.Tag == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: runtimeimage -binary FILE -tag REF -o OUT.tar [-ports 9443] [-path /usr/local/bin/app]")
		os.Exit(2)
	}
	if err := Write(o, *out); err != nil {
		fmt.Fprintln(os.Stderr, "runtimeimage:", err)
		os.Exit(1)
	}
}
