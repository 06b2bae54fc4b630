package provider

import (
	"os"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
)

// testFactories serve the provider in the test process.
var testFactories = acctest.Factories(New("test")())

func TestMain(m *testing.M) {
	os.Exit(acctest.Main(m))
}
