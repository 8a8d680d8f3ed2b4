package qa

import "errors"

// Error codes a user may see; the HTTP status for each is decided by the API layer alone.
const (
	EInvalid      = "invalid"
	EUnauthorized = "unauthorized"
	EForbidden    = "forbidden"
	ENotFound     = "not_found"
	EConflict     = "conflict"
	EInternal     = "internal"
)

// Error is a failure the user may see: a stable code and a human message saying what to do next.
type Error struct {
	Code    string
	Message string
}

// NewError returns an *Error with code and message.
func NewError(code, message string) *Error { return &Error{Code: code, Message: message} }

func (e *Error) Error() string { return e.Message }

// ErrorCode returns the code of the first *Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}
