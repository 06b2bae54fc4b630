package dbcheck

import (
	"strings"
	"testing"
)

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in                  string
		flavor              string
		major, minor, patch int
		suffix              string
	}{
		{"8.0.36", FlavorMySQL, 8, 0, 36, ""},
		{"5.7.44-log", FlavorMySQL, 5, 7, 44, "-log"},
		{"8.4.0-commercial", FlavorMySQL, 8, 4, 0, "-commercial"},
		{"8.0.36-28", FlavorMySQL, 8, 0, 36, "-28"},
		{"8.0.36-0ubuntu0.22.04.1", FlavorMySQL, 8, 0, 36, "-0ubuntu0.22.04.1"},
		{" 9.1.0 ", FlavorMySQL, 9, 1, 0, ""},
		{"8.0", FlavorMySQL, 8, 0, 0, ""},
		{"10.11.6-MariaDB-0+deb12u1", FlavorMariaDB, 10, 11, 6, "-MariaDB-0+deb12u1"},
		{"5.5.5-10.11.6-MariaDB", FlavorMariaDB, 10, 11, 6, "-MariaDB"},
		{"5.5.5-10.11.6-MariaDB-0+deb12u1-log", FlavorMariaDB, 10, 11, 6, "-MariaDB-0+deb12u1-log"},
		{"11.4.2-MariaDB-ubu2404", FlavorMariaDB, 11, 4, 2, "-MariaDB-ubu2404"},
		{"5.5.68-MariaDB", FlavorMariaDB, 5, 5, 68, "-MariaDB"},
		{"10.6.16-mariadb", FlavorMariaDB, 10, 6, 16, "-mariadb"},
		{"4.1.22", FlavorMySQL, 4, 1, 22, ""},
		{"5.5.5-MariaDB", FlavorMariaDB, 5, 5, 5, "-MariaDB"},
	} {
		v, err := ParseVersion(tc.in)
		if err != nil {
			t.Errorf("ParseVersion(%q): %v", tc.in, err)
			continue
		}
		want := Version{Flavor: tc.flavor, Major: tc.major, Minor: tc.minor, Patch: tc.patch, Suffix: tc.suffix}
		if v != want {
			t.Errorf("ParseVersion(%q) = %+v, want %+v", tc.in, v, want)
		}
	}
	for _, bad := range []string{"", "MariaDB", "abc", "8", "8.", "8.x", ".8.0", "v8.0.1", "8.0.1.2", "1234567.0.0"} {
		if v, err := ParseVersion(bad); err == nil {
			t.Errorf("ParseVersion(%q) = %+v, want an error", bad, v)
		}
	}
}

func TestCheckSupported(t *testing.T) {
	for in, ok := range map[string]bool{"4.1.22": false, "5.0.96": true, "5.7.44-log": true, "8.0.36": true, "10.11.6-MariaDB": true} {
		v, err := ParseVersion(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := checkSupported(v) == nil; got != ok {
			t.Errorf("checkSupported(%q) = %t, want %t", in, got, ok)
		}
	}
}

func FuzzParseVersion(f *testing.F) {
	for _, s := range []string{
		"8.0.36", "5.7.44-log", "10.11.6-MariaDB-0+deb12u1", "5.5.5-10.11.6-MariaDB",
		"8.0", "", "5.5.5-", "5.5.5-MariaDB", "1.2.3.4", "999999.999999.999999", "\x00", "8.0.36\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if err != nil {
			return
		}
		if v.Major < 0 || v.Minor < 0 || v.Patch < 0 {
			t.Fatalf("negative number in %+v from %q", v, s)
		}
		if v.Flavor != FlavorMySQL && v.Flavor != FlavorMariaDB {
			t.Fatalf("flavor %q from %q", v.Flavor, s)
		}
		if (v.Flavor == FlavorMariaDB) != strings.Contains(strings.ToLower(s), "mariadb") {
			t.Fatalf("flavor %q inconsistent with %q", v.Flavor, s)
		}
		// The parsed numbers and suffix re-parse to the same version.
		again, err := ParseVersion(v.String() + v.Suffix)
		if err != nil {
			t.Fatalf("re-parsing %q (from %q): %v", v.String()+v.Suffix, s, err)
		}
		if again.Major != v.Major || again.Minor != v.Minor || again.Patch != v.Patch {
			t.Fatalf("re-parse of %q gave %+v, want %+v", s, again, v)
		}
	})
}
