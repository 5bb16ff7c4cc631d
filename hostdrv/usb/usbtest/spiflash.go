package usbtest

// SPIFlash models a 25-series SPI NOR flash (Winbond W25Q and kin) at the
// bit level: commands take effect when CS rises, program and erase need
// WEL and clear it, BUSY lasts BusyPolls status reads after a program and
// EraseBusyPolls after an erase, erase sets bytes to 0xFF, page program
// ANDs data into the page and wraps within its 256 bytes, reads are
// continuous, and after power-down (0xB9) only release (0xAB) is obeyed.
type SPIFlash struct {
	ID             [3]byte
	Mem            []byte
	BusyPolls      int
	EraseBusyPolls int

	// Faults.
	ZeroID      bool // 0x9F answers 00 00 00 (no flash, or a dead one).
	BusyForever bool // BUSY never clears after a program or erase.
	FlipAddr    int  // if >= 0, reads of this address return it with FlipMask XORed.
	FlipMask    byte

	// Counters for tests.
	Programs, Erases, PageOverflows int

	selected  bool
	bitn      int
	in        byte
	out       byte
	cmd       []byte
	wel       bool
	busy      int
	powerDown bool
	addr      int
}

// NewSPIFlash returns an erased flash of size bytes with the given JEDEC ID.
func NewSPIFlash(id [3]byte, size int) *SPIFlash {
	f := &SPIFlash{ID: id, Mem: make([]byte, size), BusyPolls: 3, EraseBusyPolls: 20, FlipAddr: -1}
	for i := range f.Mem {
		f.Mem[i] = 0xFF
	}
	return f
}

// Select drives CS: low (true) starts a command, high (false) executes it.
func (f *SPIFlash) Select(sel bool) {
	if sel == f.selected {
		return
	}
	f.selected = sel
	if sel {
		f.cmd, f.bitn, f.in, f.out = f.cmd[:0], 0, 0, 0xFF
		return
	}
	f.execute()
}

// peek returns MISO before the next clock.
func (f *SPIFlash) peek() bool {
	if !f.selected {
		return true
	}
	return f.out>>(7-f.bitn)&1 == 1
}

// Clock shifts one bit (mode 0, MSB first) and returns MISO.
func (f *SPIFlash) Clock(mosi bool) bool {
	if !f.selected {
		return true
	}
	miso := f.out>>(7-f.bitn)&1 == 1
	f.in <<= 1
	if mosi {
		f.in |= 1
	}
	f.bitn++
	if f.bitn == 8 {
		f.bitn = 0
		f.byteIn(f.in)
	}
	return miso
}

func (f *SPIFlash) status() byte {
	s := byte(0)
	if f.busy > 0 {
		s |= 1
	}
	if f.wel {
		s |= 2
	}
	return s
}

// byteIn handles a complete byte and prepares the next output byte.
func (f *SPIFlash) byteIn(b byte) {
	f.cmd = append(f.cmd, b)
	n := len(f.cmd)
	f.out = 0xFF
	op := f.cmd[0]
	if f.powerDown {
		return
	}
	if f.busy > 0 && op != 0x05 {
		return
	}
	switch op {
	case 0x9F:
		if n <= 3 && !f.ZeroID {
			f.out = f.ID[n-1]
		} else if f.ZeroID {
			f.out = 0
		}
	case 0x05:
		f.out = f.status()
		if f.busy > 0 && !f.BusyForever {
			f.busy--
		}
	case 0x03, 0x0B:
		start := 4
		if op == 0x0B {
			start = 5
		}
		if n == 4 {
			f.addr = int(f.cmd[1])<<16 | int(f.cmd[2])<<8 | int(f.cmd[3])
		}
		if n >= start {
			a := f.addr % len(f.Mem)
			f.out = f.Mem[a]
			if a == f.FlipAddr {
				f.out ^= f.FlipMask
			}
			f.addr++
		}
	}
}

// execute runs the command on CS rising.
func (f *SPIFlash) execute() {
	n := len(f.cmd)
	if n == 0 || f.bitn != 0 {
		return // CS rose mid-byte: the command is discarded.
	}
	op := f.cmd[0]
	if f.powerDown {
		if op == 0xAB {
			f.powerDown = false
		}
		return
	}
	if f.busy > 0 {
		return
	}
	addr := 0
	if n >= 4 {
		addr = (int(f.cmd[1])<<16 | int(f.cmd[2])<<8 | int(f.cmd[3])) % len(f.Mem)
	}
	switch op {
	case 0x06:
		f.wel = true
	case 0x04:
		f.wel = false
	case 0x66, 0x99:
		f.wel = false
	case 0xB9:
		f.powerDown = true
	case 0x02:
		if !f.wel || n < 5 {
			return
		}
		data := f.cmd[4:]
		if len(data) > 256 {
			f.PageOverflows++
			data = data[len(data)-256:]
		}
		page := addr &^ 0xFF
		off := addr & 0xFF
		for _, d := range data {
			f.Mem[page+off] &= d
			off = (off + 1) & 0xFF
		}
		f.Programs++
		f.wel = false
		f.busy = f.BusyPolls
	case 0x20, 0x52, 0xD8:
		if !f.wel || n != 4 {
			return
		}
		size := map[byte]int{0x20: 4 << 10, 0x52: 32 << 10, 0xD8: 64 << 10}[op]
		base := addr &^ (size - 1)
		for i := base; i < base+size && i < len(f.Mem); i++ {
			f.Mem[i] = 0xFF
		}
		f.Erases++
		f.wel = false
		f.busy = f.EraseBusyPolls
	case 0xC7, 0x60:
		if !f.wel || n != 1 {
			return
		}
		for i := range f.Mem {
			f.Mem[i] = 0xFF
		}
		f.Erases++
		f.wel = false
		f.busy = f.EraseBusyPolls
	}
}
