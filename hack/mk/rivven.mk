# The real Rivven binaries (hack/rivven/build.sh) and the tiers that run them.

##@ Rivven

.PHONY: rivven
rivven: ## Build rivvend, rivven-connect and the rivven CLI of every supported version into bin/rivven/ (cargo, cached).
	hack/rivven/build.sh

.PHONY: test-broker
test-broker: rivven ## Run only the broker tier: composed broker pods on the real rivvend (root: network namespaces).
	go test $(GO_TEST_FLAGS) -v ./test/broker/

# The Go client's wire-format test vectors, from the real rivven-protocol crate.
RIVVEN_VECTORS := provider/internal/clients/rivven/protocol/testdata/vectors.json

.PHONY: rivven-vectors
rivven-vectors: ## Regenerate the Rivven protocol test vectors with the real rivven-protocol crate (cargo, cached).
	hack/rivven/vectors/generate.sh $(RIVVEN_VECTORS)

.PHONY: verify-vectors
verify-vectors: ## Fail when the committed Rivven protocol test vectors differ from what the generator produces.
	@tmp="$$(mktemp -d)"; trap 'rm -rf "$$tmp"' EXIT; \
		hack/rivven/vectors/generate.sh "$$tmp/vectors.json"; \
		if ! diff -u $(RIVVEN_VECTORS) "$$tmp/vectors.json" >"$$tmp/diff"; then \
			head -40 "$$tmp/diff"; echo "$(RIVVEN_VECTORS) is stale: run make rivven-vectors"; exit 1; fi

# The connect tier runs Debian's PostgreSQL and MariaDB servers for its CDC
# sources. make test names only postgres, so postgres brings mariadb along.
.PHONY: postgres
postgres: ## Install Debian's PostgreSQL server when it is missing (the connect tier's postgres-cdc source).
	@ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || { echo "installing Debian's postgresql"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null || { apt-get update -qq </dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql </dev/null; }; }

# A short run of each decoder's fuzz target: arbitrary bytes never panic and
# whatever decodes re-encodes to the same value. `go test -fuzz` takes one
# target per run.
FUZZ_TIME ?= 10s
RIVVEN_FUZZ := FuzzUnmarshalResponse FuzzUnmarshalRequest FuzzReadFrame

.PHONY: fuzz-smoke
fuzz-smoke: ## Fuzz the Rivven protocol decoders briefly (FUZZ_TIME per target, default 10s).
	@for f in $(RIVVEN_FUZZ); do \
		go test ./provider/internal/clients/rivven/protocol/ -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZ_TIME) || exit 1; done

.PHONY: mariadb
mariadb: ## Install Debian's MariaDB server when it is missing (the connect tier's mysql-cdc source).
	@test -x /usr/sbin/mariadbd || { echo "installing Debian's mariadb-server"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server </dev/null || { apt-get update -qq </dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server </dev/null; }; }

.PHONY: test-connect
test-connect: rivven postgres mariadb ## Run only the connect tier: composed pipelines on the real rivven-connect, rivvend, PostgreSQL and MariaDB (root).
	go test $(GO_TEST_FLAGS) -v ./test/connect/
