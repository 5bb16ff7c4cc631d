package netfile

import (
	"errors"
	"fmt"

	"github.com/lifkit/lifkit/sim"
)

// Error is a problem with a network file: which file, which field (as spelled in the file,
// for example "layers[1].weights"), the line when known, and the reason.
type Error struct {
	File   string // "" when decoding a stream
	Field  string // "" when the problem is the file as a whole
	Line   int    // 0 when unknown
	Reason string
}

func (e *Error) Error() string {
	s := "netfile: "
	if e.File != "" {
		s += e.File + ": "
	}
	if e.Line > 0 {
		s += fmt.Sprintf("line %d: ", e.Line)
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Reason
}

func errorf(field, format string, args ...any) *Error {
	return &Error{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// fromValidate turns a sim validation failure into an *Error.
func fromValidate(err error) *Error {
	var fe *sim.FieldError
	if errors.As(err, &fe) {
		return &Error{Field: fe.Field, Reason: fe.Reason}
	}
	return &Error{Reason: err.Error()}
}
