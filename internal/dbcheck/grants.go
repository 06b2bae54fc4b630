package dbcheck

import (
	"strings"
)

// grantVerdict summarises what SHOW GRANTS says about creating a database.
type grantVerdict struct {
	canCreate bool
	// hasRoles is true when roles are granted to the user; their
	// privileges are not shown by SHOW GRANTS on MySQL and so not inspected.
	hasRoles bool
}

// canCreateDatabase inspects SHOW GRANTS output lines and reports whether
// they give the CREATE privilege (directly or via ALL [PRIVILEGES]) globally
// (*.*) or on a database-level pattern matching db, and no partial revoke
// (MySQL partial_revokes) takes it away again. Database name patterns use
// the LIKE wildcards % and _ with \ as escape, as MySQL and MariaDB do for
// database-level grants. Names are compared case-sensitively.
func canCreateDatabase(grants []string, db string) grantVerdict {
	var v grantVerdict
	revoked := false
	for _, line := range grants {
		g, ok := parseGrantLine(line)
		if !ok {
			continue
		}
		if g.role {
			v.hasRoles = true
			continue
		}
		if !g.dbLevel || !hasCreate(g.privileges) {
			continue
		}
		if g.db != "*" && !likeMatch(g.db, db) {
			continue
		}
		if g.revoke {
			revoked = true
		} else {
			v.canCreate = true
		}
	}
	if revoked {
		v.canCreate = false
	}
	return v
}

type grantLine struct {
	revoke     bool
	role       bool     // "GRANT `role` TO ..." (no ON clause)
	privileges []string // upper case, column lists removed
	dbLevel    bool     // object is db.* or *.*
	db         string   // "*" for *.*, else the unquoted database pattern
}

// parseGrantLine parses one line of SHOW GRANTS output such as
// "GRANT SELECT, CREATE ON `app\_db`.* TO `u`@`%`".
func parseGrantLine(line string) (grantLine, bool) {
	var g grantLine
	s := strings.TrimSpace(line)
	upper := strings.ToUpper(s)
	var rest string
	switch {
	case strings.HasPrefix(upper, "GRANT "):
		rest = s[len("GRANT "):]
	case strings.HasPrefix(upper, "REVOKE "):
		g.revoke = true
		rest = s[len("REVOKE "):]
	default:
		return g, false
	}
	privs, after, ok := splitOn(rest)
	if !ok {
		// No ON clause: a role grant such as "GRANT `r` TO `u`@`%`".
		g.role = !g.revoke && strings.Contains(strings.ToUpper(rest), " TO ")
		return g, g.role
	}
	for _, p := range splitTopLevel(privs) {
		if i := strings.IndexByte(p, '('); i >= 0 {
			p = p[:i] // column list
		}
		g.privileges = append(g.privileges, strings.ToUpper(strings.Join(strings.Fields(p), " ")))
	}
	obj := strings.TrimSpace(after)
	// Routine grants ("ON FUNCTION `db`.`f`") never allow creating databases.
	for _, kw := range []string{"FUNCTION ", "PROCEDURE ", "PACKAGE BODY ", "PACKAGE ", "TABLE "} {
		if strings.HasPrefix(strings.ToUpper(obj), kw) {
			if kw != "TABLE " {
				return g, true
			}
			obj = strings.TrimSpace(obj[len(kw):])
		}
	}
	db, obj, ok := readIdent(obj)
	if !ok || !strings.HasPrefix(obj, ".") {
		return g, true
	}
	table, _, ok := readIdent(obj[1:])
	if !ok {
		return g, true
	}
	g.db = db
	g.dbLevel = table == "*"
	return g, true
}

// scanTopLevel calls at with each index of s that is outside backquotes,
// quotes and parentheses (and is not one of them), until at returns true.
func scanTopLevel(s string, at func(i int) (stop bool)) {
	depth := 0
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '`' || c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && at(i):
			return
		}
	}
}

// splitOn splits s at the first " ON " outside backquotes, quotes and
// parentheses.
func splitOn(s string) (before, after string, ok bool) {
	scanTopLevel(s, func(i int) bool {
		if s[i] == ' ' && i+4 <= len(s) && strings.EqualFold(s[i:i+4], " ON ") {
			before, after, ok = s[:i], s[i+4:], true
		}
		return ok
	})
	return before, after, ok
}

// splitTopLevel splits a privilege list at commas outside parentheses.
func splitTopLevel(s string) []string {
	var out []string
	start := 0
	scanTopLevel(s, func(i int) bool {
		if s[i] == ',' {
			out = append(out, strings.TrimSpace(s[start:i]))
			start = i + 1
		}
		return false
	})
	return append(out, strings.TrimSpace(s[start:]))
}

// readIdent reads "*", a backquoted identifier (a doubled backquote inside is one) or
// a bare identifier from the start of s.
func readIdent(s string) (ident, rest string, ok bool) {
	if s == "" {
		return "", "", false
	}
	switch s[0] {
	case '*':
		return "*", s[1:], true
	case '`':
		var b strings.Builder
		for i := 1; i < len(s); i++ {
			if s[i] == '`' {
				if i+1 < len(s) && s[i+1] == '`' {
					b.WriteByte('`')
					i++
					continue
				}
				return b.String(), s[i+1:], true
			}
			b.WriteByte(s[i])
		}
		return "", "", false
	default:
		i := strings.IndexAny(s, ". ")
		if i < 0 {
			i = len(s)
		}
		if i == 0 {
			return "", "", false
		}
		return s[:i], s[i:], true
	}
}

func hasCreate(privs []string) bool {
	for _, p := range privs {
		switch p {
		case "CREATE", "ALL", "ALL PRIVILEGES":
			return true
		}
	}
	return false
}

// likeMatch reports whether name matches a LIKE pattern with % and _
// wildcards and \ escapes.
func likeMatch(pattern, name string) bool {
	p, n := []rune(pattern), []rune(name)
	// Iterative matching with backtracking on the last %.
	pi, ni := 0, 0
	starP, starN := -1, 0
	for ni < len(n) {
		if pi < len(p) {
			switch {
			case p[pi] == '%':
				starP, starN = pi, ni
				pi++
				continue
			case p[pi] == '\\' && pi+1 < len(p):
				if p[pi+1] == n[ni] {
					pi += 2
					ni++
					continue
				}
			case p[pi] == '_' || p[pi] == n[ni]:
				pi++
				ni++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		pi = starP + 1
		starN++
		ni = starN
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}
