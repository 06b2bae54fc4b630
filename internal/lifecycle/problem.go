package lifecycle

import "errors"

// Problem is a failure or a warning with the summary and detail a person reads.
type Problem struct {
	Summary, Detail string
	// NameTaken marks a registry name that another registry has; the fix is another name.
	NameTaken bool
	// Attribute is the argument the fix is in ("user", "group", "project"); empty when none is.
	Attribute string
	Err       error
}

func (p *Problem) Error() string { return p.Summary + ": " + p.Detail }
func (p *Problem) Unwrap() error { return p.Err }

func problem(summary string, err error) *Problem {
	return &Problem{Summary: summary, Detail: err.Error(), Err: err}
}

// Problems lists the Problems in err, which may join several; an error that is
// not a Problem is returned as one with the summary fallback.
func Problems(err error, fallback string) []*Problem {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var out []*Problem
		for _, e := range joined.Unwrap() {
			out = append(out, Problems(e, fallback)...)
		}
		return out
	}
	var p *Problem
	if errors.As(err, &p) {
		return []*Problem{p}
	}
	return []*Problem{problem(fallback, err)}
}
