# Argo CD: the settings of gitops/argocd tested with Argo CD's own code
# (test/argocd), and Argo CD itself built for the end-to-end tier
# (hack/argocd). Both modules pin the same Argo CD release, which needs the Go
# toolchain their go.mod names; the go command fetches it from the module
# proxy once (GOTOOLCHAIN), the machine's Go stays as it is. Same toolchain,
# versions and flags (-trimpath, CGO_ENABLED=0) let the two share the build
# cache.

ARGOCD_TOOLCHAIN = $(shell awk '$$1 == "toolchain" {print $$2}' test/argocd/go.mod)
ARGOCD_GO = cd test/argocd && GOWORK=off GOTOOLCHAIN=$(ARGOCD_TOOLCHAIN) CGO_ENABLED=0 GOFLAGS="-mod=readonly -buildvcs=false"

##@ Argo CD

.PHONY: test-argocd
test-argocd: ## Test gitops/argocd with Argo CD's settings manager and health engine on captured objects.
	$(ARGOCD_GO) go vet -trimpath ./...
	$(ARGOCD_GO) go test $(GO_TEST_FLAGS) -trimpath ./...

.PHONY: argocd
argocd: ## Build Argo CD (application controller, repo server, CLI) into bin/argocd.
	hack/argocd/build.sh

# The application controller and repo server keep their cache in Redis.
.PHONY: argocd-deps
argocd-deps: argocd
	@command -v redis-server >/dev/null 2>&1 || { echo "installing Debian's redis-server"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server </dev/null || { apt-get update -qq </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server </dev/null; }; }

.PHONY: e2e-argocd
e2e-argocd: e2e-deps argocd-deps ## GitOps on the local control plane: a real Argo CD syncs the packages and the seed examples from a local git repository.
	cd test/e2e && GOWORK=off go vet ./... && GOWORK=off RIVVEN_E2E_ARGOCD=1 go test $(E2E_FLAGS) -run '^TestArgoCD$$' .
