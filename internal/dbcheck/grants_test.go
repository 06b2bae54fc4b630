package dbcheck

import "testing"

func TestCanCreateDatabase(t *testing.T) {
	for _, tc := range []struct {
		name   string
		grants []string
		db     string
		want   bool
		roles  bool
	}{
		{"global all", []string{"GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"}, "x", true, false},
		{"global create", []string{"GRANT USAGE ON *.* TO `u`@`%` IDENTIFIED BY PASSWORD '*ABC'", "GRANT SELECT, CREATE ON *.* TO `u`@`%`"}, "x", true, false},
		{"db all", []string{"GRANT ALL PRIVILEGES ON `reg`.* TO `u`@`%`"}, "reg", true, false},
		{"db create", []string{"GRANT CREATE, DROP ON `reg`.* TO 'u'@'%'"}, "reg", true, false},
		{"other db", []string{"GRANT ALL PRIVILEGES ON `other`.* TO `u`@`%`"}, "reg", false, false},
		{"table create", []string{"GRANT CREATE ON `reg`.`t` TO `u`@`%`"}, "reg", false, false},
		{"create view only", []string{"GRANT CREATE VIEW, CREATE ROUTINE ON *.* TO `u`@`%`"}, "reg", false, false},
		{"column list", []string{"GRANT SELECT (`a`, `b`), INSERT ON `reg`.* TO `u`@`%`"}, "reg", false, false},
		{"wildcard", []string{"GRANT ALL ON `reg\\_%`.* TO `u`@`%`"}, "reg_prod", true, false},
		{"escaped underscore", []string{"GRANT ALL ON `reg\\_%`.* TO `u`@`%`"}, "regXprod", false, false},
		{"underscore wildcard", []string{"GRANT ALL ON `reg_db`.* TO `u`@`%`"}, "regXdb", true, false},
		{"quoted backquote", []string{"GRANT ALL ON `a``b`.* TO `u`@`%`"}, "a`b", true, false},
		{"unquoted", []string{"GRANT ALL PRIVILEGES ON reg.* TO 'u'@'%'"}, "reg", true, false},
		{"procedure", []string{"GRANT EXECUTE ON PROCEDURE `reg`.`p` TO `u`@`%`"}, "reg", false, false},
		{"role", []string{"GRANT USAGE ON *.* TO `u`@`%`", "GRANT `dba` TO `u`@`%`"}, "reg", false, true},
		{"partial revoke", []string{"GRANT CREATE ON *.* TO `u`@`%`", "REVOKE CREATE ON `reg`.* FROM `u`@`%`"}, "reg", false, false},
		{"proxy", []string{"GRANT PROXY ON ''@'%' TO 'u'@'%'"}, "reg", false, false},
		{"usage", []string{"GRANT USAGE ON *.* TO `u`@`%`"}, "reg", false, false},
		{"case sensitive", []string{"GRANT ALL ON `Reg`.* TO `u`@`%`"}, "reg", false, false},
		{"garbage", []string{"", "nonsense", "GRANT", "GRANT ALL ON", "GRANT ALL ON `unterminated"}, "reg", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := canCreateDatabase(tc.grants, tc.db)
			if v.canCreate != tc.want || v.hasRoles != tc.roles {
				t.Errorf("canCreateDatabase(%q, %q) = %+v, want canCreate=%t hasRoles=%t", tc.grants, tc.db, v, tc.want, tc.roles)
			}
		})
	}
}

func TestLikeMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, name string
		want          bool
	}{
		{"%", "", true},
		{"%", "abc", true},
		{"a%c", "abbbc", true},
		{"a%c", "abcd", false},
		{"a_c", "abc", true},
		{"a_c", "ac", false},
		{`a\_c`, "a_c", true},
		{`a\_c`, "abc", false},
		{`a\%`, "a%", true},
		{`a\%`, "ab", false},
		{"%b%", "abc", true},
		{"", "", true},
		{"", "a", false},
	} {
		if got := likeMatch(tc.pattern, tc.name); got != tc.want {
			t.Errorf("likeMatch(%q, %q) = %t, want %t", tc.pattern, tc.name, got, tc.want)
		}
	}
}
