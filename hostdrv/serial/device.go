package serial

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"golang.org/x/sys/unix"

	"github.com/lifkit/lifkit/hostdrv"
)

// Device is a serial device driven by the kernel (a tty). *os.File
// provides Read, Write, SetReadDeadline and Close: the file is opened
// non-blocking so Go's poller honours deadlines.
type Device struct {
	*os.File
}

var _ hostdrv.Transport = (*Device)(nil)

var bauds = map[int]uint32{
	9600: unix.B9600, 19200: unix.B19200, 38400: unix.B38400, 57600: unix.B57600,
	115200: unix.B115200, 230400: unix.B230400, 460800: unix.B460800, 500000: unix.B500000,
	921600: unix.B921600, 1000000: unix.B1000000, 1500000: unix.B1500000, 2000000: unix.B2000000,
	3000000: unix.B3000000, 4000000: unix.B4000000,
}

// OpenDevice opens a tty (e.g. /dev/ttyUSB1, /dev/ttyACM0) as a raw 8N1
// line at baud without flow control.
func OpenDevice(path string, baud int) (*Device, error) {
	speed, ok := bauds[baud]
	if !ok {
		var list []int
		for b := range bauds {
			list = append(list, b)
		}
		sort.Ints(list)
		return nil, fmt.Errorf("serial: baud rate %d is not a standard rate; use one of %v", baud, list)
	}
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		hint := ""
		if err == unix.EACCES {
			hint = "; add yourself to the dialout group (sudo usermod -aG dialout $USER) and log in again"
		} else if err == unix.ENOENT {
			hint = "; is the board plugged in? ls /dev/ttyUSB* /dev/ttyACM*"
		} else if err == unix.EBUSY {
			hint = "; another program (a serial terminal?) has it open"
		}
		return nil, fmt.Errorf("serial: open %s: %w%s", path, err, hint)
	}
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("serial: %s is not a serial device: %w", path, err)
	}
	// Raw mode (cfmakeraw), 8N1, receiver on, modem lines ignored.
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON | unix.IXOFF | unix.IXANY
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB | unix.CSTOPB | unix.CRTSCTS | unix.CBAUD
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL | speed
	t.Ispeed, t.Ospeed = speed, speed
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, unix.TCSETS, t); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("serial: configure %s at %d baud: %w", path, baud, err)
	}
	unix.IoctlSetInt(fd, unix.TCFLSH, unix.TCIOFLUSH)
	return &Device{os.NewFile(uintptr(fd), path)}, nil
}

// Candidates lists the serial devices a board's UART may appear as.
func Candidates() []string {
	var out []string
	for _, pat := range []string{"/dev/ttyUSB*", "/dev/ttyACM*"} {
		m, _ := globFn(pat)
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

var globFn = filepath.Glob
