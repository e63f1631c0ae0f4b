// Command depname prints the name Crossplane gives a package it installs as
// a dependency: the repository path of the package reference (registry host
// left out) made a DNS label. Crossplane v2's dependency resolver names the
// package it creates xpkg.ToDNSLabel(ref.Context().RepositoryStr())
// (internal/controller/pkg/resolver.NewPackage), and a Composition must
// reference a dependency Function by exactly that name.
//
//	go run ./hack/xpkg/depname 127.0.0.1:15000/rivven/function-rivven-cluster
//	rivven-function-rivven-cluster
//
// crossplane-runtime's pkg/xpkg would bring its registry credential helpers
// into the product module, so toDNSLabel is a copy of its ToDNSLabel; the
// end-to-end tier proves the names, since Crossplane creates the packages
// there and the harness waits for them by these names.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: depname <package reference>...")
		os.Exit(2)
	}
	for _, ref := range os.Args[1:] {
		r, err := name.ParseReference(ref)
		if err != nil {
			fmt.Fprintf(os.Stderr, "depname: %s: %v\n", ref, err)
			os.Exit(1)
		}
		fmt.Println(toDNSLabel(r.Context().RepositoryStr()))
	}
}

// toDNSLabel is ToDNSLabel of github.com/crossplane/crossplane-runtime/v2
// pkg/xpkg (v2.3.3, which Crossplane core v2.3.4 is built with; Apache-2.0):
// lower-case letters and digits are kept, '.', '/', ':' and '-' become '-',
// everything else is dropped, at most 63 bytes are read.
func toDNSLabel(s string) string {
	var cut strings.Builder
	for i := range s {
		b := s[i]
		if ('a' <= b && b <= 'z') || ('0' <= b && b <= '9') {
			cut.WriteByte(b)
		}
		if (b == '.' || b == '/' || b == ':' || b == '-') && (i != 0 && i != 62 && i != len(s)-1) {
			cut.WriteByte('-')
		}
		if i == 62 {
			break
		}
	}
	return strings.Trim(cut.String(), "-")
}
