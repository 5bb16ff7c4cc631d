package linktest

import (
	"errors"
	"io"

	"github.com/lifkit/lifkit/hostdrv"
)

// Link is a reference Device served over an in-memory Pipe: the host end is the Transport a
// hostdrv.Client opens.
type Link struct {
	Host   *End
	Dev    *End
	Device *Device
	done   chan error
}

// NewLink starts a Device with info behind a Pipe with the given noise. Close stops it.
func NewLink(seed uint64, info hostdrv.Info, toDev, toHost Noise) *Link {
	host, dev := Pipe(seed, toDev, toHost)
	l := &Link{Host: host, Dev: dev, Device: NewDevice(info), done: make(chan error, 1)}
	go func() { l.done <- l.Device.Serve(dev) }()
	return l
}

// Close closes the link and waits until the device goroutine has returned, so no goroutine
// outlives it. It returns the device's error, if any.
func (l *Link) Close() error {
	l.Host.Close()
	err := <-l.done
	if errors.Is(err, io.ErrClosedPipe) {
		return nil // the device was answering when the host hung up
	}
	return err
}
