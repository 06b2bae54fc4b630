// Package acceptance holds the acceptance tests that cut across the families:
// faults, least privilege, the operator's conformance, moves from other
// providers, secrets, credentials, fleet imports and the auth proxy. A family's
// own tests live beside its code.
package acceptance
