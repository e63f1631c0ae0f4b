# The end-to-end tier and the local demo: the whole stack on one machine
# without a container engine (test/e2e, package controlplane).

E2E_FLAGS ?= -count=1 -timeout 40m -v

.PHONY: e2e-deps
e2e-deps: kube-tools crossplane-tools xpkg rivven
	@command -v kcat >/dev/null 2>&1 || { echo "installing Debian's kcat"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat </dev/null || { apt-get update -qq </dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat </dev/null; }; }
	@command -v unshare >/dev/null 2>&1 || { echo "unshare (util-linux) is required" >&2; exit 1; }

.PHONY: e2e
e2e: e2e-deps ## Run the end-to-end scenario on a local Crossplane control plane (installs the packages of make xpkg), then the Argo CD one.
	cd test/e2e && GOWORK=off go vet ./... && GOWORK=off RIVVEN_E2E=1 go test $(E2E_FLAGS) ./...
	$(MAKE) --no-print-directory e2e-argocd

##@ Local control plane

.PHONY: run
run: e2e-deps ## Bring up Crossplane + our packages locally, apply the seed examples, wait until Ready, print them; stays up.
	cd test/e2e && GOWORK=off go build -o $(BIN)/rivven-up ./cmd/rivven-up
	test/e2e/run.sh

.PHONY: stop
stop: ## Stop the control plane that make run left running.
	test/e2e/stop.sh
