package protocol

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/twmb/franz-go/pkg/sasl/scram"
)

// ErrLoginFailed is wrapped by the error of a SCRAM login the broker
// refused ("e=..." in its server-final message).
var ErrLoginFailed = errors.New("login refused")

// login runs SCRAM-SHA-256 over ScramClientFirst/ScramClientFinal. The
// mechanism itself (nonce, PBKDF2, proof, server signature check) is
// franz-go's; this only carries its messages. Authentication is per
// connection, so every Conn logs in again. Errors name the user and the
// broker's reason, never the password.
func (c *Conn) login(ctx context.Context, cr Credentials) error {
	failed := func(format string, args ...any) error {
		return fmt.Errorf("rivven: SCRAM-SHA-256 login to %s as %q: "+format, append([]any{c.addr, cr.Username}, args...)...)
	}
	session, first, err := scram.Auth{User: cr.Username, Pass: cr.Password}.AsSha256Mechanism().Authenticate(ctx, c.addr)
	if err != nil {
		return failed("%v", err)
	}

	resp, err := c.roundTrip(ctx, ScramClientFirst{Message: first})
	if err != nil {
		return failed("%w", err)
	}
	var serverFirst []byte
	switch r := resp.(type) {
	case *ScramServerFirst:
		serverFirst = r.Message
	case *ErrorResponse:
		return failed("%w: %w", ErrLoginFailed, r)
	default:
		return c.failLocked(failed("unexpected %s reply to ScramClientFirst", ResponseName(resp)))
	}
	_, final, err := session.Challenge(serverFirst)
	if err != nil {
		// The broker is now waiting for a client-final that will not come;
		// the connection is of no further use.
		return c.failLocked(failed("%v", err))
	}

	resp, err = c.roundTrip(ctx, ScramClientFinal{Message: final})
	if err != nil {
		return failed("%w", err)
	}
	switch r := resp.(type) {
	case *ScramServerFinal:
		if reason, ok := bytes.CutPrefix(r.Message, []byte("e=")); ok {
			return failed("%w: server said e=%s", ErrLoginFailed, reason)
		}
		if _, _, err := session.Challenge(r.Message); err != nil {
			return c.failLocked(failed("server final message did not verify: %v", err))
		}
		return nil
	case *ErrorResponse:
		return failed("%w: %w", ErrLoginFailed, r)
	default:
		return c.failLocked(failed("unexpected %s reply to ScramClientFinal", ResponseName(resp)))
	}
}

// failLocked is fail for callers that do not hold c.mu.
func (c *Conn) failLocked(err error) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fail(err)
}
