// Package kubecache configures the provider's Kubernetes object cache: what
// the controller-runtime informers keep in memory for every watched object.
package kubecache

import (
	"sigs.k8s.io/controller-runtime/pkg/cache"
)

// Options returns the cache options of the provider's manager. namespace,
// when set, limits the cache to that namespace.
//
// Every cached object is stored without metadata.managedFields. The provider
// never reads them, and they are about half of a cached RivvenTopic and a
// third of a ProviderConfigUsage: with one of each per topic they dominate
// the provider's memory at thousands of topics. Updates sent from a cached
// object carry no managedFields, which the API server treats as "leave them
// as they are", so field ownership is kept.
func Options(namespace string) cache.Options {
	o := cache.Options{DefaultTransform: cache.TransformStripManagedFields()}
	if namespace != "" {
		o.DefaultNamespaces = map[string]cache.Config{namespace: {}}
	}
	return o
}
