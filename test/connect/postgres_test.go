package connect

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// postgres is Debian's PostgreSQL server started by the test inside its
// own network namespace, listening on the pod network's gateway, where the
// connect pod reaches it, with logical replication on.
type postgres struct {
	bin, dir, sock string
	addr           string // host the pods dial
	port           int
	uid, gid       int
	cmd            *exec.Cmd
}

// postgresBinDir finds Debian's server binaries (package postgresql).
func postgresBinDir(t *testing.T) string {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	for i := len(dirs) - 1; i >= 0; i-- {
		if _, err := os.Stat(filepath.Join(dirs[i], "postgres")); err == nil {
			return dirs[i]
		}
	}
	t.Fatal("Debian's PostgreSQL server is not installed: apt-get install -y postgresql (make test does)")
	return ""
}

// startPostgres initialises a cluster in a temporary directory and starts
// it as the postgres user, listening on addr:port and a private socket.
func startPostgres(t *testing.T, addr string, port int) *postgres {
	t.Helper()
	u, err := user.Lookup("postgres")
	if err != nil {
		t.Fatalf("no postgres user (apt-get install -y postgresql): %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	root := t.TempDir()
	pg := &postgres{bin: postgresBinDir(t), dir: filepath.Join(root, "data"), sock: filepath.Join(root, "sock"), addr: addr, port: port, uid: uid, gid: gid}
	for _, d := range []string{root, pg.sock} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(d, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	for d := root; d != "/"; d = filepath.Dir(d) { // let postgres reach its directory
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			_ = os.Chmod(d, fi.Mode()|0o001)
		}
	}
	pg.run(t, "initdb", "-D", pg.dir, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync")
	conf := fmt.Sprintf("listen_addresses = '%s'\nport = %d\nunix_socket_directories = '%s'\nwal_level = logical\n"+
		"max_replication_slots = 4\nmax_wal_senders = 4\nfsync = off\n", addr, port, pg.sock)
	appendFile(t, filepath.Join(pg.dir, "postgresql.conf"), conf)
	appendFile(t, filepath.Join(pg.dir, "pg_hba.conf"), "host all all 0.0.0.0/0 scram-sha-256\nhost replication all 0.0.0.0/0 scram-sha-256\n")

	pg.cmd = pg.command(filepath.Join(pg.bin, "postgres"), "-D", pg.dir)
	logf, err := os.Create(filepath.Join(root, "postgres.log"))
	if err != nil {
		t.Fatal(err)
	}
	pg.cmd.Stdout, pg.cmd.Stderr = logf, logf
	if err := pg.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = pg.cmd.Process.Signal(os.Interrupt)
		_ = pg.cmd.Wait()
		_ = logf.Close()
	})
	deadline := time.Now().Add(30 * time.Second)
	for exec.Command(filepath.Join(pg.bin, "pg_isready"), "-h", pg.sock, "-p", strconv.Itoa(port), "-q").Run() != nil {
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logf.Name())
			t.Fatalf("PostgreSQL did not start:\n%s", b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return pg
}

// sql runs statements through psql on the private socket as postgres.
func (pg *postgres) sql(t *testing.T, db, stmts string) string {
	t.Helper()
	cmd := pg.command(filepath.Join(pg.bin, "psql"), "-h", pg.sock, "-p", strconv.Itoa(pg.port), "-U", "postgres", "-d", db, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", stmts)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	return string(out)
}

func (pg *postgres) run(t *testing.T, tool string, args ...string) {
	t.Helper()
	if out, err := pg.command(filepath.Join(pg.bin, tool), args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
}

// command runs a PostgreSQL program as the postgres user (the server
// refuses root).
func (pg *postgres) command(bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(context.Background(), "setpriv",
		append([]string{"--reuid=" + strconv.Itoa(pg.uid), "--regid=" + strconv.Itoa(pg.gid), "--clear-groups", "--", bin}, args...)...)
	cmd.Dir = "/"
	return cmd
}

func appendFile(t *testing.T, path, text string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}
