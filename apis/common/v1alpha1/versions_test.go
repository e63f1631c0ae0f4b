package v1alpha1

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSupportedVersionsAreBuilt keeps the version table equal to the list
// hack/rivven/versions.sh builds and the broker tier runs: a version in one
// and not the other would be claimed untested, or tested unclaimed.
func TestSupportedVersionsAreBuilt(t *testing.T) {
	b, err := os.ReadFile("../../../hack/rivven/versions.sh")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^RIVVEN_SUPPORTED_VERSIONS=\(([^)]*)\)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("hack/rivven/versions.sh sets no RIVVEN_SUPPORTED_VERSIONS=(...)")
	}
	if diff := cmp.Diff(strings.Fields(string(m[1])), SupportedRivvenVersions); diff != "" {
		t.Errorf("hack/rivven/versions.sh (-) and SupportedRivvenVersions (+) differ:\n%s", diff)
	}
	if SupportedRivvenVersions[0] != DefaultRivvenVersion {
		t.Errorf("the default version %s is not the first supported one, %s", DefaultRivvenVersion, SupportedRivvenVersions[0])
	}
	if !IsSupportedRivvenVersion(DefaultRivvenVersion) || IsSupportedRivvenVersion("0.0.1") || IsSupportedRivvenVersion("latest") {
		t.Error("IsSupportedRivvenVersion disagrees with the table")
	}
}
