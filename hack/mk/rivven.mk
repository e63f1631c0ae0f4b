# The real Rivven binaries (hack/rivven/build.sh) and the tiers that run them.

##@ Rivven

.PHONY: rivven
rivven: ## Build rivvend, rivven-connect and the rivven CLI of every supported version into bin/rivven/ (cargo, cached).
	hack/rivven/build.sh

.PHONY: test-broker
test-broker: rivven ## Run only the broker tier: composed broker pods on the real rivvend (root: network namespaces).
	go test $(GO_TEST_FLAGS) -v ./test/broker/
