package connect

import (
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// mariadb is Debian's MariaDB server started by the test inside its own
// network namespace, listening on the pod network's gateway, where the
// connect pod reaches it, with the row-based binary log a binlog reader
// needs.
type mariadb struct {
	dir, sock string
	addr      string // host the pods dial
	uid, gid  int
	cmd       *exec.Cmd
}

// mariadbServer is Debian's server binary (package mariadb-server).
const mariadbServer = "/usr/sbin/mariadbd"

// startMariaDB initialises a data directory in a temporary directory and
// starts the server as the mysql user on addr:3306 and a private socket.
func startMariaDB(t *testing.T, addr string) *mariadb {
	t.Helper()
	if _, err := os.Stat(mariadbServer); err != nil {
		t.Fatal("Debian's MariaDB server is not installed: apt-get install -y mariadb-server (make test does, through make postgres)")
	}
	u, err := user.Lookup("mysql")
	if err != nil {
		t.Fatalf("no mysql user (apt-get install -y mariadb-server): %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	root := t.TempDir()
	db := &mariadb{dir: filepath.Join(root, "data"), sock: filepath.Join(root, "mysqld.sock"), addr: addr, uid: uid, gid: gid}
	if err := os.Chown(root, uid, gid); err != nil {
		t.Fatal(err)
	}
	for d := root; d != "/"; d = filepath.Dir(d) { // let mysql reach its directory
		if fi, err := os.Stat(d); err == nil && fi.Mode().Perm()&0o001 == 0 {
			_ = os.Chmod(d, fi.Mode()|0o001)
		}
	}
	if out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+db.dir, "--user=mysql",
		"--auth-root-authentication-method=socket", "--skip-test-db").CombinedOutput(); err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	logPath := filepath.Join(root, "mariadb.log")
	db.cmd = db.command(mariadbServer, "--no-defaults", "--datadir="+db.dir, "--socket="+db.sock,
		"--bind-address="+addr, "--port=3306", "--skip-name-resolve", "--pid-file="+filepath.Join(root, "mariadb.pid"),
		"--log-error="+logPath, "--server-id=1", "--log-bin="+filepath.Join(db.dir, "binlog"), "--binlog-format=ROW")
	if err := db.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// SIGTERM is the server's shutdown signal; it ignores SIGINT.
		_ = db.cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = db.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = db.cmd.Process.Kill()
			<-done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for exec.Command("mariadb-admin", "--no-defaults", "--socket="+db.sock, "-uroot", "ping").Run() != nil {
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("MariaDB did not start:\n%s", b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return db
}

// sql runs statements as root on the private socket (root authenticates by
// its socket credentials).
func (db *mariadb) sql(t *testing.T, stmts string) {
	t.Helper()
	out, err := exec.Command("mariadb", "--no-defaults", "--socket="+db.sock, "-uroot", "-e", stmts).CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb: %v\n%s", err, out)
	}
}

// command runs a MariaDB program as the mysql user (the server refuses
// root).
func (db *mariadb) command(bin string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(context.Background(), "setpriv",
		append([]string{"--reuid=" + strconv.Itoa(db.uid), "--regid=" + strconv.Itoa(db.gid), "--clear-groups", "--", bin}, args...)...)
	cmd.Dir = "/"
	return cmd
}
