package ftdi_test

import (
	"fmt"

	"github.com/lifkit/lifkit/hostdrv/ftdi"
)

// The SET_BAUDRATE request for 115200 baud on port B of an FT2232H.
func ExampleBaudDivisor() {
	value, indexHigh, actual, err := ftdi.BaudDivisor(115200, true)
	if err != nil {
		panic(err)
	}
	fmt.Printf("wValue 0x%04X wIndex 0x%02X02, %d baud\n", value, indexHigh, actual)
	// Output: wValue 0xC068 wIndex 0x0202, 115246 baud
}

// Status bytes open every packet of an IN transfer, not only the first.
func ExampleStripStatus() {
	transfer := []byte{0x01, 0x60, 'a', 'b', 0x01, 0x60, 'c'} // two packets of a 4-byte max packet size
	payload, status := ftdi.StripStatus(nil, transfer, 4)
	fmt.Printf("%s % x\n", payload, status)
	// Output: abc 01 60
}
