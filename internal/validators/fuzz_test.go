package validators

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// fuzzNow is the fixed time the certificate fuzzer checks validity against.
var fuzzNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func seedPEM(f *testing.F, notBefore, notAfter time.Time, isCA bool) string {
	f.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	template := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "fuzz seed"},
		NotBefore: notBefore, NotAfter: notAfter, IsCA: isCA, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		f.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func FuzzCertificateProblems(f *testing.F) {
	valid := seedPEM(f, fuzzNow.Add(-time.Hour), fuzzNow.Add(time.Hour), true)
	leaf := seedPEM(f, fuzzNow.Add(-time.Hour), fuzzNow.Add(time.Hour), false)
	expired := seedPEM(f, fuzzNow.Add(-2*time.Hour), fuzzNow.Add(-time.Hour), true)
	future := seedPEM(f, fuzzNow.Add(time.Hour), fuzzNow.Add(2*time.Hour), true)
	for _, s := range []string{
		valid, leaf, expired, future, valid + valid, valid + "trailing", "garbage", "", "\n\n",
		"-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
		"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		"-----BEGIN CERTIFICATE-----\n", strings.Replace(valid, "CERTIFICATE", "TRUSTED CERTIFICATE", 2),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, bundle string) {
		errs, warnings := CertificateProblems(bundle, fuzzNow)
		certificates := 0
		rest := []byte(bundle)
		for {
			var block *pem.Block
			block, rest = pem.Decode(rest)
			if block == nil {
				break
			}
			if block.Type != "CERTIFICATE" {
				if len(errs) == 0 {
					t.Fatalf("a %s block was accepted", block.Type)
				}
				continue
			}
			certificates++
			cert, err := x509.ParseCertificate(block.Bytes)
			if len(errs) > 0 {
				continue
			}
			switch {
			case err != nil:
				t.Fatalf("an unparsable certificate was accepted: %v", err)
			case fuzzNow.Before(cert.NotBefore) || fuzzNow.After(cert.NotAfter):
				t.Fatalf("a certificate valid %s to %s was accepted at %s", cert.NotBefore, cert.NotAfter, fuzzNow)
			}
		}
		if len(errs) == 0 && (certificates == 0 || strings.TrimSpace(string(rest)) != "") {
			t.Fatalf("accepted with %d certificates and %q left over", certificates, rest)
		}
		if len(warnings) > certificates {
			t.Fatalf("%d warnings for %d certificates", len(warnings), certificates)
		}
	})
}

// FuzzStringValidators runs every string validator on any value: none panics,
// and every error names the attribute.
func FuzzStringValidators(f *testing.F) {
	for _, s := range []string{"", " ", "fraud", "Fraud models", "mysql:3306", "mysql.db.svc", "https://h:1", "ca.crt", "a/b", "\x00", "ns-1"} {
		f.Add(s)
	}
	validators := map[string]validator.String{
		"not_blank": NotBlank(), "resource_name": ResourceName(), "namespace": NamespaceName(), "object_name": ObjectName(),
		"data_key": DataKey(), "host": DatabaseHost(), "database": DatabaseName(), "url": URL("https"), "pem": PEMCertificates(func() time.Time { return fuzzNow }),
		"ca_bundle": CABundle(func() time.Time { return fuzzNow }),
	}
	f.Fuzz(func(t *testing.T, value string) {
		for name, v := range validators {
			attribute := path.Root("outer").AtName(name)
			req := validator.StringRequest{Path: attribute, ConfigValue: types.StringValue(value)}
			resp := &validator.StringResponse{}
			v.ValidateString(context.Background(), req, resp)
			for _, d := range resp.Diagnostics.Errors() {
				if !strings.Contains(d.Detail(), attribute.String()) {
					t.Fatalf("%s: error %q does not name %s", name, d.Detail(), attribute)
				}
			}
		}
	})
}
