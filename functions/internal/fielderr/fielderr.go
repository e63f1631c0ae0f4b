// Package fielderr carries input errors that name the offending spec field, so
// a function's Fatal result tells the user exactly what to fix.
package fielderr

import (
	"errors"
	"fmt"
)

// Error is input the function cannot honour.
type Error struct {
	// Field is the path of the offending field, e.g. spec.tls.certSecretName.
	Field string
	// Detail says what is wrong and, where possible, what is allowed.
	Detail string
}

// Error implements error as "<field>: <detail>".
func (e *Error) Error() string { return e.Field + ": " + e.Detail }

// New returns an Error for field.
func New(field, format string, a ...any) *Error {
	return &Error{Field: field, Detail: fmt.Sprintf(format, a...)}
}

// Join combines field errors into one error; nil when there are none. The
// order is the order of the checks, so messages are deterministic.
func Join(errs ...*Error) error {
	var out []error
	for _, e := range errs {
		if e != nil {
			out = append(out, e)
		}
	}
	return errors.Join(out...)
}
