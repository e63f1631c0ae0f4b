# Benchmarks: provider scale on the API server tier, function latency over gRPC.
# docs/performance.md explains the method and holds the measured figures.

##@ Benchmarks

# Numbers of RivvenTopics, one table row each; 10000 is opt-in:
#   make bench BENCH_TOPICS=100,1000,10000
BENCH_TOPICS ?= 100,1000
# Kafka clusters (ProviderConfigs) the topics are spread over.
BENCH_CLUSTERS ?= 1
# Runs per N; with more than one the table adds each column's median.
BENCH_RUNS ?= 1
# The provider's --poll (raised to 2N/BENCH_RATE seconds for large N) and
# --max-reconcile-rate; requests are counted over BENCH_POLLS polls.
BENCH_POLL ?= 20s
BENCH_RATE ?= 100
BENCH_POLLS ?= 3
# GOMEMLIMIT for the provider process only (empty: unset), as the
# DeploymentRuntimeConfig in the README sets it.
BENCH_GOMEMLIMIT ?=

# bin/provider is built as hack/xpkg/build.sh builds the package's image, so
# the memory measured is that of the binary users run.
.PHONY: bench
bench: kube-tools ## Provider scale: BENCH_TOPICS RivvenTopics (default 100,1000) on the real API server against kfake; prints a table.
	CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o $(BIN)/provider ./provider/cmd/provider
	go run ./test/bench/providerscale -provider $(BIN)/provider -kube-assets $(BIN)/kube -crds package/crds \
		-n $(BENCH_TOPICS) -clusters $(BENCH_CLUSTERS) -runs $(BENCH_RUNS) -poll $(BENCH_POLL) -rate $(BENCH_RATE) -polls $(BENCH_POLLS) -gomemlimit "$(BENCH_GOMEMLIMIT)"

.PHONY: bench-functions
bench-functions: ## Function latency over gRPC against a no-op floor (metric x-floor).
	go test -run XXX -bench . -benchmem ./functions/...
