// Package rivven talks to rivvend's own client protocol (package protocol:
// framed postcard on the client port) for the topic controller. Pure
// decisions (which config keys and values rivvend accepts, how desired and
// observed topics differ, what rivvend cannot hold at all) live in files of
// their own with no I/O; admin.go wraps one connection per cluster behind
// admin.Admin.
package rivven
