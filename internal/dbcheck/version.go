package dbcheck

import (
	"errors"
	"fmt"
	"strings"
)

// Server flavors reported in Result.Flavor.
const (
	FlavorMySQL   = "MySQL"
	FlavorMariaDB = "MariaDB"
)

// minMajor is the oldest major version accepted (MySQL 5.x; every MariaDB
// release is 5.1 or newer).
const minMajor = 5

// Version is a parsed server version string.
type Version struct {
	Flavor string // FlavorMySQL or FlavorMariaDB
	Major  int
	Minor  int
	Patch  int
	// Suffix is what follows the numbers, e.g. "-log" or
	// "-MariaDB-0+deb12u1".
	Suffix string
}

// String returns "Major.Minor.Patch".
func (v Version) String() string {
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// mariaDBCompatPrefix is the fake MySQL version that MariaDB 10 and later
// put before their real version in the protocol handshake, for old clients.
const mariaDBCompatPrefix = "5.5.5-"

// ParseVersion parses what SELECT VERSION() or the protocol handshake report,
// for example "8.0.36", "5.7.44-log", "10.11.6-MariaDB-0+deb12u1" or
// "5.5.5-10.11.6-MariaDB". A string containing "MariaDB" (in any case) is
// MariaDB, anything else MySQL (including Percona Server and other forks).
// The patch number may be absent ("8.0" parses as 8.0.0).
func ParseVersion(s string) (Version, error) {
	raw := s
	s = strings.TrimSpace(s)
	v := Version{Flavor: FlavorMySQL}
	if strings.Contains(strings.ToLower(s), "mariadb") {
		v.Flavor = FlavorMariaDB
		if rest, ok := strings.CutPrefix(s, mariaDBCompatPrefix); ok && rest != "" && isDigit(rest[0]) {
			s = rest
		}
	}
	var nums [3]int
	i := 0
	for part := 0; part < 3; part++ {
		if part > 0 {
			if i >= len(s) || s[i] != '.' || i+1 >= len(s) || !isDigit(s[i+1]) {
				if part == 1 {
					return Version{}, fmt.Errorf("version %q: expected MAJOR.MINOR[.PATCH]", raw)
				}
				break
			}
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if i == start {
			return Version{}, fmt.Errorf("version %q: expected a number at position %d", raw, start)
		}
		if i-start > 6 {
			return Version{}, fmt.Errorf("version %q: number too long", raw)
		}
		n := 0
		for _, c := range s[start:i] {
			n = n*10 + int(c-'0')
		}
		nums[part] = n
	}
	if i < len(s) && (isDigit(s[i]) || s[i] == '.') {
		return Version{}, fmt.Errorf("version %q: unexpected %q after the version number", raw, s[i:])
	}
	v.Major, v.Minor, v.Patch = nums[0], nums[1], nums[2]
	v.Suffix = s[i:]
	return v, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

var errTooOld = errors.New("version too old")

// checkSupported reports whether v is new enough.
func checkSupported(v Version) error {
	if v.Major < minMajor {
		return errTooOld
	}
	return nil
}
