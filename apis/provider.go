// Package apis aggregates the kinds provider-rivven serves.
package apis

import (
	"k8s.io/apimachinery/pkg/runtime"

	topicv1alpha1 "github.com/rivven/crossplane-rivven/apis/topic/v1alpha1"
	"github.com/rivven/crossplane-rivven/apis/v1alpha1"
)

// AddToProviderScheme adds the RivvenTopic and provider config kinds to a
// scheme.
func AddToProviderScheme(s *runtime.Scheme) error {
	for _, add := range []func(*runtime.Scheme) error{v1alpha1.AddToScheme, topicv1alpha1.AddToScheme} {
		if err := add(s); err != nil {
			return err
		}
	}
	return nil
}
