package apiserver

import (
	"context"
	"sync"
)

// warningRecorder collects the API server's warning headers into the
// *warnings carried by a request's context, so a test can assert an object was
// admitted without warnings (Pod Security "warn" mode answers with warnings).
type warningRecorder struct{}

type warningsKey struct{}

type warnings struct {
	mu   sync.Mutex
	list []string
}

func (warningRecorder) HandleWarningHeaderWithContext(ctx context.Context, _ int, _ string, text string) {
	if w, ok := ctx.Value(warningsKey{}).(*warnings); ok {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.list = append(w.list, text)
	}
}

// withWarnings returns a context whose requests record their warnings in w.
func withWarnings(ctx context.Context) (context.Context, *warnings) {
	w := &warnings{}
	return context.WithValue(ctx, warningsKey{}, w), w
}

func (w *warnings) get() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.list...)
}
