package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

type writer struct{}

func newWriter() *writer { return &writer{} }

func (w *writer) create(context.Context, string, tftypes.Value, tftypes.Value) error {
	return fmt.Errorf("not yet")
}

func (w *writer) delete(context.Context, string, tftypes.Value) error { return fmt.Errorf("not yet") }
