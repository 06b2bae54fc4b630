package validators

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// CertificateProblems inspects a PEM bundle that must hold one or more X.509
// certificates and nothing else. Errors make the bundle unusable; warnings are
// about certificates that are not CAs.
func CertificateProblems(bundle string, now time.Time) (errs, warnings []string) {
	rest := []byte(bundle)
	count := 0
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		count++
		if block.Type != "CERTIFICATE" {
			kind := "a " + block.Type + " block"
			if strings.Contains(block.Type, "PRIVATE KEY") {
				kind = "a private key (" + block.Type + "); never put keys in a CA bundle"
			}
			errs = append(errs, fmt.Sprintf("PEM block %d is %s; only CERTIFICATE blocks are allowed", count, kind))
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			errs = append(errs, fmt.Sprintf("PEM block %d is not a valid X.509 certificate: %v", count, err))
			continue
		}
		subject := cert.Subject.String()
		switch {
		case now.After(cert.NotAfter):
			errs = append(errs, fmt.Sprintf("certificate %d (%s) expired on %s; use a current certificate",
				count, subject, cert.NotAfter.UTC().Format(time.RFC3339)))
		case now.Before(cert.NotBefore):
			errs = append(errs, fmt.Sprintf("certificate %d (%s) is not valid before %s; use a certificate that is valid now",
				count, subject, cert.NotBefore.UTC().Format(time.RFC3339)))
		}
		if !cert.IsCA {
			warnings = append(warnings, fmt.Sprintf("certificate %d (%s) is not a CA certificate; the registry can verify the database with it only if it is the database server's own certificate", count, subject))
		}
	}
	if leftover := strings.TrimSpace(string(rest)); leftover != "" {
		errs = append(errs, "contains text that is not a PEM block; the bundle must hold only -----BEGIN CERTIFICATE----- blocks")
	}
	if count == 0 && len(errs) == 0 {
		errs = append(errs, "holds no PEM certificate; paste the CA certificate including its -----BEGIN CERTIFICATE----- line")
	}
	return errs, warnings
}

// pemCertificates checks certificates' validity against now, a clock passed in
// by whoever builds the schema, so a test can fix the time without a global.
type pemCertificates struct {
	now       func() time.Time
	warnNonCA bool
}

func (pemCertificates) Description(context.Context) string {
	return "one or more PEM-encoded X.509 certificates, valid now"
}
func (v pemCertificates) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v pemCertificates) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	errs, warnings := CertificateProblems(req.ConfigValue.ValueString(), v.now())
	for _, e := range errs {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid certificate", fmt.Sprintf("%s: %s", req.Path, e))
	}
	if v.warnNonCA {
		for _, w := range warnings {
			resp.Diagnostics.AddAttributeWarning(req.Path, "Certificate is not a CA", fmt.Sprintf("%s: %s", req.Path, w))
		}
	}
}

// PEMCertificates accepts PEM certificates only, valid at now().
func PEMCertificates(now func() time.Time) validator.String { return pemCertificates{now: now} }

// CABundle accepts PEM certificates only, valid at now(), and warns about
// certificates that are not CAs.
func CABundle(now func() time.Time) validator.String {
	return pemCertificates{now: now, warnNonCA: true}
}
