# Crossplane packages, built without a container engine (hack/xpkg/build.sh).

# The registry the packages are named for: host[:port][/path], as users push
# to an organisation's path (see hack/xpkg/build.sh). The default is the
# loopback registry the local control plane of `make e2e` and `make run`
# serves them from, with a path, so those install as users do: Crossplane
# names the dependencies rivven-function-rivven-cluster and so on.
REGISTRY ?= 127.0.0.1:15000/rivven
VERSION ?= v0.1.0

##@ Packages

.PHONY: xpkg
xpkg: crossplane-tools ## Build the function, provider and Configuration packages into _output/xpkg/ (REGISTRY, VERSION).
	@[ -f package/xrds/rivven.io_rivvenclusters.yaml ] && [ -f package/crds/rivven.io_rivventopics.yaml ] || $(MAKE) generate
	REGISTRY=$(REGISTRY) VERSION=$(VERSION) hack/xpkg/build.sh
