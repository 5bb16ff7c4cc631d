package serial

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY returns the master side of a pseudo-terminal and its slave path.
func openPTY(t *testing.T) (*os.File, string) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlockpt: %v", err)
	}
	n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Skipf("ptsname: %v", err)
	}
	return m, fmt.Sprintf("/dev/pts/%d", n)
}

func TestDeviceOverPTY(t *testing.T) {
	m, path := openPTY(t)
	d, err := OpenDevice(path, 3_000_000)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	// Raw mode: bytes including CR, LF, ^C and 0x00 pass untouched.
	want := []byte{0x00, '\r', '\n', 0x03, 0x7E, 0xFF}
	if _, err := m.Write(want); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 0, len(want))
	buf := make([]byte, 16)
	d.SetReadDeadline(time.Now().Add(2 * time.Second))
	for len(got) < len(want) {
		n, err := d.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, buf[:n]...)
	}
	if string(got) != string(want) {
		t.Fatalf("got % x, want % x", got, want)
	}
	if _, err := d.Write([]byte{0x0A, 0x00, 0x03}); err != nil {
		t.Fatal(err)
	}
	back := make([]byte, 3)
	m.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := m.Read(back); err != nil || n != 3 || back[0] != 0x0A {
		t.Fatalf("master read % x, %v", back[:n], err)
	}
	// An expired deadline is os.ErrDeadlineExceeded, as hostdrv.Transport requires.
	d.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := d.Read(buf); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("got %v", err)
	}
}

func TestOpenDeviceErrors(t *testing.T) {
	if _, err := OpenDevice("/dev/ttyUSB99", 115200); err == nil || !strings.Contains(err.Error(), "plugged in") {
		t.Errorf("missing: %v", err)
	}
	if _, err := OpenDevice("/dev/null", 115200); err == nil || !strings.Contains(err.Error(), "not a serial device") {
		t.Errorf("not a tty: %v", err)
	}
	if _, err := OpenDevice("/dev/null", 123); err == nil || !strings.Contains(err.Error(), "standard rate") {
		t.Errorf("odd baud: %v", err)
	}
}
