package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// allocEnv makes the test binary a child that touches this many MiB and
// waits to be killed.
const allocEnv = "PROVIDERSCALE_TEST_ALLOC_MIB"

func TestMain(m *testing.M) {
	if v, ok := os.LookupEnv(allocEnv); ok {
		mib, _ := strconv.Atoi(v)
		hold = touch(mib)
		fmt.Println("ready")
		time.Sleep(time.Minute)
		return
	}
	os.Exit(m.Run())
}

// hold keeps allocations resident.
var hold []byte

// touch allocates mib MiB and writes every page, so it is resident.
func touch(mib int) []byte {
	b := make([]byte, mib<<20)
	for i := 0; i < len(b); i += os.Getpagesize() {
		b[i] = 1
	}
	return b
}

// TestPeakRSSIsTheChildsOwn proves the benchmark's memory method: VmHWM of a
// child that touches 96 MiB reads within a few MiB above that, and a tiny
// child started by a parent holding 256 MiB reads small, which the exited
// child's ru_maxrss does not (os/exec starts children with vfork).
func TestPeakRSSIsTheChildsOwn(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}

	t.Run("allocating child", func(t *testing.T) {
		// The same child touching nothing is the baseline: this test
		// binary's code and runtime.
		base := childPeakKiB(t, self, 0)
		const want = 96
		got := float64(childPeakKiB(t, self, want)-base) / 1024
		if got < want-2 || got > want+4 {
			t.Errorf("VmHWM grew by %.1f MiB for a child that touched %d MiB (baseline %.1f MiB)", got, want, float64(base)/1024)
		}
	})

	t.Run("tiny child of a large parent", func(t *testing.T) {
		big := touch(256)
		cmd := exec.Command("sleep", "30")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		kib, err := procStatusKiB(cmd.Process.Pid, "VmHWM")
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		runtime.KeepAlive(big)
		if err != nil {
			t.Fatal(err)
		}
		if got := float64(kib) / 1024; got > 16 {
			t.Errorf("VmHWM %.1f MiB for sleep(1): the method counts the parent", got)
		}
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			t.Logf("sleep: VmHWM %.1f MiB; ru_maxrss of the exited child %.1f MiB (the parent holds 256 MiB)", float64(kib)/1024, float64(ru.Maxrss)/1024)
		}
	})
}

// childPeakKiB starts the test binary as a child touching mib MiB and reads
// its VmHWM once it has.
func childPeakKiB(t *testing.T, self string, mib int) int64 {
	t.Helper()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), allocEnv+"="+strconv.Itoa(mib))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	if !bufio.NewScanner(out).Scan() {
		t.Fatal("the child did not report ready")
	}
	kib, err := procStatusKiB(cmd.Process.Pid, "VmHWM")
	if err != nil {
		t.Fatal(err)
	}
	return kib
}
