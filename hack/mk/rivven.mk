# The real Rivven binaries (hack/rivven/build.sh) and the tiers that run them.

##@ Rivven

.PHONY: rivven
rivven: ## Build rivvend, rivven-connect and the rivven CLI of every supported version into bin/rivven/ (cargo, cached).
	hack/rivven/build.sh

.PHONY: test-broker
test-broker: rivven ## Run only the broker tier: composed broker pods on the real rivvend (root: network namespaces).
	go test $(GO_TEST_FLAGS) -v ./test/broker/

# The connect tier runs Debian's PostgreSQL server for the CDC pipeline.
.PHONY: postgres
postgres: ## Install Debian's PostgreSQL server when it is missing (the connect tier's CDC source).
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { echo "installing Debian's postgresql"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null || { apt-get update -qq </dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null; }; }
