package cluster

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"

	corev1 "k8s.io/api/core/v1"

	"github.com/crossplane/function-sdk-go/resource/composed"
)

// tokenBytes is the entropy of a cluster auth token (256 bits).
const tokenBytes = 32

// authToken returns the cluster auth token rivvend requires in cluster mode
// (it also guards the HTTP API's admin routes). The token is generated once
// and then read back from the observed Secret, so every reconcile composes
// the same Secret and the brokers keep their token. The value is returned
// base64-encoded, exactly as Secret data holds it, and must never be logged.
func authToken(observed *composed.Unstructured, random io.Reader) (string, error) {
	if observed != nil {
		data, _ := observed.Object["data"].(map[string]any)
		if v, ok := data[AuthKey].(string); ok && v != "" {
			if _, err := base64.StdEncoding.DecodeString(v); err == nil {
				return v, nil
			}
		}
	}
	if random == nil {
		random = rand.Reader
	}
	b := make([]byte, tokenBytes)
	if _, err := io.ReadFull(random, b); err != nil {
		return "", fmt.Errorf("cannot generate the cluster auth token: %w", err)
	}
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(b))), nil
}

// authSecret holds the cluster auth token. The object is built as a map, not
// a typed Secret, because the token is already base64-encoded.
func authSecret(name, ns, encodedToken string) map[string]any {
	labels := map[string]any{}
	for k, v := range commonLabels(name) {
		labels[k] = v
	}
	return map[string]any{
		"apiVersion": "v1",
		"kind":       "Secret",
		"metadata":   map[string]any{"name": authSecretName(name), "namespace": ns, "labels": labels},
		"type":       string(corev1.SecretTypeOpaque),
		"data":       map[string]any{AuthKey: encodedToken},
	}
}
