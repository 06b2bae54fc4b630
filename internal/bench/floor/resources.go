package main

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// floorResource is one of the provider's resources with its behaviour gone: the real
// resource answers only Metadata and Schema; typeName is its type name.
type floorResource struct {
	real     resource.Resource
	typeName string
	write    *writer
}

func (r *floorResource) Metadata(ctx context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	r.real.Metadata(ctx, req, resp)
}

func (r *floorResource) Schema(ctx context.Context, req resource.SchemaRequest, resp *resource.SchemaResponse) {
	r.real.Schema(ctx, req, resp)
	resp.Schema = stripResourceSchema(resp.Schema)
}

// Create stores the plan with every unknown value filled in, after the write floor's writes.
func (r *floorResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	state, err := fillUnknown(req.Plan.Raw)
	if err == nil && r.write != nil {
		err = r.write.create(ctx, r.typeName, state, req.Config.Raw)
	}
	if err != nil {
		resp.Diagnostics.AddError("Floor create failed", err.Error())
		return
	}
	resp.State.Raw = state
}

// Read returns the state unchanged: the framework has copied it into the response.
func (r *floorResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Update stores the plan; the bench's fleets update only in the floor's unit test.
func (r *floorResource) Update(_ context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	state, err := fillUnknown(req.Plan.Raw)
	if err != nil {
		resp.Diagnostics.AddError("Floor update failed", err.Error())
		return
	}
	resp.State.Raw = state
}

// Delete forgets, after the write floor's deletes; the framework removes the state.
func (r *floorResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	if r.write == nil {
		return
	}
	if err := r.write.delete(ctx, r.typeName, req.State.Raw); err != nil {
		resp.Diagnostics.AddError("Floor delete failed", err.Error())
	}
}

// fillUnknown replaces every unknown value with a known one of its type, as long as
// the provider's values are: a 36-character string (a UID's length), true, 0, a
// collection of one element, an object with every attribute filled; and an unset
// namespace with the one the provider resolves it to, which the write floor writes in.
func fillUnknown(v tftypes.Value) (tftypes.Value, error) {
	namespace := tftypes.NewAttributePath().WithAttributeName("namespace")
	return tftypes.Transform(v, func(p *tftypes.AttributePath, v tftypes.Value) (tftypes.Value, error) {
		switch {
		case v.IsKnown():
			return v, nil
		case p.Equal(namespace) && v.Type().Is(tftypes.String):
			return tftypes.NewValue(tftypes.String, defaultNamespace), nil
		}
		return known(v.Type())
	})
}

const filler = "00000000-0000-4000-8000-000000000000"

func known(t tftypes.Type) (tftypes.Value, error) {
	switch t := t.(type) {
	case tftypes.Object:
		values := map[string]tftypes.Value{}
		for name, at := range t.AttributeTypes {
			v, err := known(at)
			if err != nil {
				return tftypes.Value{}, err
			}
			values[name] = v
		}
		return tftypes.NewValue(t, values), nil
	case tftypes.List:
		e, err := known(t.ElementType)
		return tftypes.NewValue(t, []tftypes.Value{e}), err
	case tftypes.Set:
		e, err := known(t.ElementType)
		return tftypes.NewValue(t, []tftypes.Value{e}), err
	case tftypes.Map:
		return tftypes.NewValue(t, map[string]tftypes.Value{}), nil
	}
	switch {
	case t.Is(tftypes.String):
		return tftypes.NewValue(t, filler), nil
	case t.Is(tftypes.Bool):
		return tftypes.NewValue(t, true), nil
	case t.Is(tftypes.Number):
		return tftypes.NewValue(t, 0), nil
	}
	return tftypes.Value{}, fmt.Errorf("no known value of type %s", t)
}
