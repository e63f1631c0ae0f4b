# The Rivven versions this product is tested against, newest first. The first is
# the default image version of RivvenCluster and RivvenConnect; each one is built
# by hack/rivven/build.sh and exercised by the broker tier (test/rivven).
# Keep in step with apis/common/v1alpha1 (SupportedRivvenVersions).
RIVVEN_SUPPORTED_VERSIONS=(0.0.22)
RIVVEN_DEFAULT_VERSION="${RIVVEN_SUPPORTED_VERSIONS[0]}"

# rivven-connect's cheapest feature set that still compiles (postgres and mysql
# are needed to compile at all) and registers the connectors our pipelines run:
# postgres-cdc, mysql-cdc, datagen, stdout, http, http-webhook. `validate` checks
# files offline and does not need a connector compiled in.
RIVVEN_CONNECT_FEATURES="postgres,mysql,http"
