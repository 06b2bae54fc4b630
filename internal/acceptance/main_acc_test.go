package acceptance_test

import (
	"os"
	"testing"

	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/acctest"
	"github.com/openshiftai-terraform/terraform-provider-openshiftai/internal/provider"
)

func TestMain(m *testing.M) {
	os.Exit(acctest.Main(m))
}

// factories serve the provider in the test process.
var factories = acctest.Factories(provider.New("test")())
