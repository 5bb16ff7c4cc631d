package flash

import "fmt"

// Part is a known SPI flash.
type Part struct {
	ID   [3]byte
	Name string
	Size int // bytes.
}

// Parts are the SPI flashes found on supported boards and their common
// substitutes.
var Parts = []Part{
	{[3]byte{0xEF, 0x40, 0x14}, "Winbond W25Q80", 1 << 20},
	{[3]byte{0xEF, 0x40, 0x15}, "Winbond W25Q16", 2 << 20},
	{[3]byte{0xEF, 0x40, 0x16}, "Winbond W25Q32", 4 << 20},
	{[3]byte{0xEF, 0x40, 0x17}, "Winbond W25Q64", 8 << 20},
	{[3]byte{0xEF, 0x40, 0x18}, "Winbond W25Q128", 16 << 20},
	{[3]byte{0xEF, 0x70, 0x16}, "Winbond W25Q32JV-IM", 4 << 20},
	{[3]byte{0xEF, 0x70, 0x17}, "Winbond W25Q64JV-IM", 8 << 20},
	{[3]byte{0xEF, 0x70, 0x18}, "Winbond W25Q128JV-IM", 16 << 20},
	{[3]byte{0xC2, 0x28, 0x15}, "Macronix MX25R1635F", 2 << 20},
	{[3]byte{0xC2, 0x28, 0x16}, "Macronix MX25R3235F", 4 << 20},
	{[3]byte{0xC2, 0x20, 0x16}, "Macronix MX25L3233F", 4 << 20},
	{[3]byte{0xC2, 0x20, 0x18}, "Macronix MX25L12833F", 16 << 20},
	{[3]byte{0xC8, 0x40, 0x15}, "GigaDevice GD25Q16", 2 << 20},
	{[3]byte{0xC8, 0x40, 0x16}, "GigaDevice GD25Q32", 4 << 20},
	{[3]byte{0x9D, 0x60, 0x16}, "ISSI IS25LP032", 4 << 20},
	{[3]byte{0x9D, 0x60, 0x17}, "ISSI IS25LP064", 8 << 20},
	{[3]byte{0x9D, 0x60, 0x18}, "ISSI IS25LP128", 16 << 20},
	{[3]byte{0x20, 0xBA, 0x16}, "Micron N25Q032", 4 << 20},
	{[3]byte{0x1F, 0x85, 0x01}, "Adesto AT25SF081", 1 << 20},
}

// LookupPart finds a flash by JEDEC ID.
func LookupPart(id [3]byte) (Part, error) {
	if id == [3]byte{} || id == [3]byte{0xFF, 0xFF, 0xFF} {
		return Part{}, &NoFlashError{ID: id}
	}
	for _, p := range Parts {
		if p.ID == id {
			return p, nil
		}
	}
	return Part{}, fmt.Errorf("flash: unknown SPI flash with JEDEC ID %02x %02x %02x; refusing to guess its size and commands; report the ID so it can be added to flash.Parts", id[0], id[1], id[2])
}
