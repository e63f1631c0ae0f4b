# Rivven on Crossplane. `make help` lists the targets.

SHELL := /usr/bin/env bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export PATH := $(CURDIR)/bin:/usr/local/go/bin:$(PATH)
export GOFLAGS ?= -buildvcs=false

BIN := $(CURDIR)/bin
WORK := $(CURDIR)/.work

# The composite kinds become XRDs; every other API kind is a provider CRD.
XR_APIS := ./apis/cluster/...;./apis/connect/...
MR_APIS := ./apis/v1alpha1/...;./apis/topic/...

GO_TEST_FLAGS ?= -count=1 -timeout 45m

##@ Main

.PHONY: render
render: crossplane-tools ## Render every example with the real `crossplane render` and print the composed resources.
	hack/render.sh

.PHONY: test
test: tools crossplane-tools kube-tools rivven postgres mariadb verify-generated verify-vectors ## Run every test: unit, render golden files, real API server tier, broker and connect tiers on the real Rivven binaries, protocol vectors, a fuzz smoke, the Argo CD health checks.
	go test $(GO_TEST_FLAGS) ./...
	$(MAKE) --no-print-directory fuzz-smoke
	$(MAKE) --no-print-directory test-argocd

##@ Development

.PHONY: generate
generate: tools ## Regenerate deepcopy methods, methodsets, CRDs and XRDs from the Go types in apis/.
	$(BIN)/controller-gen object:headerFile=hack/boilerplate.go.txt paths=./apis/...
	$(BIN)/angryjet generate-methodsets --header-file=hack/boilerplate.go.txt ./apis/...
	rm -rf package/crds package/xrds $(WORK)/xr-crds
	$(BIN)/controller-gen crd:crdVersions=v1 paths="$(MR_APIS)" output:crd:dir=package/crds
	$(BIN)/controller-gen crd:crdVersions=v1 paths="$(XR_APIS)" output:crd:dir=$(WORK)/xr-crds
	go run ./hack/xrdgen -in $(WORK)/xr-crds -out package/xrds

.PHONY: verify-generated
verify-generated: tools ## Fail when generated files differ from what the Go types produce.
	hack/verify-generated.sh

.PHONY: build
build: ## Build the function and provider binaries into bin/.
	go build -o $(BIN)/ ./functions/cluster/cmd/function-rivven-cluster ./functions/connect/cmd/function-rivven-connect ./provider/cmd/provider

.PHONY: unit
unit: ## Run only the fast unit tests (no external binaries: -short skips the real-broker tests beside them).
	go test -short $(GO_TEST_FLAGS) $$(go list ./... | grep -v '/test/')

# Targets of the packaging, end-to-end and benchmark tiers live beside their scripts.
include $(sort $(wildcard hack/mk/*.mk))

##@ Tools (built from the Go module proxy into bin/, cached)

.PHONY: tools
tools: ## Build controller-gen and angryjet.
	hack/tools/build.sh

.PHONY: crossplane-tools
crossplane-tools: ## Build the Crossplane CLI and core binaries.
	hack/crossplane/build.sh

.PHONY: kube-tools
kube-tools: ## Build kube-apiserver, kube-controller-manager, kube-scheduler; install etcd.
	hack/kube/build.sh

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"; printf "Usage: make <target>\n"} /^[a-zA-Z_0-9-]+:.*?##/ { printf "  %-18s %s\n", $$1, $$2 } /^##@/ { printf "\n%s\n", substr($$0, 5) }' $(MAKEFILE_LIST)
