package main

import "testing"

func TestFastestThrottlingVerdict(t *testing.T) {
	sampled := phaseResult{Wall: 5, sampled: true, Throttled: "no: peak 300 req/s <= qps 1000"}
	for _, tc := range []struct {
		name    string
		samples []phaseResult
		want    string
	}{
		{"an unsampled repetition cannot rule throttling out, nor make it possible",
			[]phaseResult{sampled, {Wall: 4, Throttled: "possible: no message, but peak 0 req/s"}}, sampled.Throttled},
		{"a throttling message in any repetition",
			[]phaseResult{sampled, {Wall: 4, Throttled: "yes: 2 throttling messages", ThrottleMessages: 2}}, "yes: 2 throttling messages"},
		{"a sampled possible",
			[]phaseResult{{Wall: 5, sampled: true, Throttled: "possible: no message, but peak 1200 req/s"}, {Wall: 4, Throttled: "no: 900 requests <= burst 2000"}},
			"possible: no message, but peak 1200 req/s"},
	} {
		if got := fastest(tc.samples); got.Throttled != tc.want || got.Wall != 4 {
			t.Errorf("%s: fastest = %v s, %q; want 4 s, %q", tc.name, got.Wall, got.Throttled, tc.want)
		}
	}
}
