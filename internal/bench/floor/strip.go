package main

import (
	"fmt"

	pschema "github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// The floor's schemas are the provider's own, taken from its resources' Schema
// methods when Terraform asks, with what does not shape a plan stripped: descriptions
// (never sent to a plan) and validators (checks the provider runs, part of its cost).
// Types, flags, nesting, defaults and plan modifiers stay, so Terraform plans the same
// values for the same configuration. A kind of attribute or block the strip does not
// know panics: the floor would otherwise serve a schema it has not checked.

func stripResourceSchema(s schema.Schema) schema.Schema {
	s.Description, s.MarkdownDescription = "", ""
	s.Attributes = stripAttributes(s.Attributes)
	s.Blocks = stripBlocks(s.Blocks)
	return s
}

func stripAttributes(in map[string]schema.Attribute) map[string]schema.Attribute {
	if in == nil {
		return nil
	}
	out := make(map[string]schema.Attribute, len(in))
	for name, a := range in {
		out[name] = stripAttribute(a)
	}
	return out
}

func stripAttribute(a schema.Attribute) schema.Attribute {
	switch a := a.(type) {
	case schema.StringAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.BoolAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.Int64Attribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.Int32Attribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.Float64Attribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.NumberAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.ListAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.SetAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.MapAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.ObjectAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case schema.SingleNestedAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		a.Attributes = stripAttributes(a.Attributes)
		return a
	case schema.ListNestedAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		a.NestedObject.Validators = nil
		a.NestedObject.Attributes = stripAttributes(a.NestedObject.Attributes)
		return a
	case schema.SetNestedAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		a.NestedObject.Validators = nil
		a.NestedObject.Attributes = stripAttributes(a.NestedObject.Attributes)
		return a
	case schema.MapNestedAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		a.NestedObject.Validators = nil
		a.NestedObject.Attributes = stripAttributes(a.NestedObject.Attributes)
		return a
	}
	panic(fmt.Sprintf("floor: no strip for attribute type %T", a))
}

func stripBlocks(in map[string]schema.Block) map[string]schema.Block {
	if in == nil {
		return nil
	}
	out := make(map[string]schema.Block, len(in))
	for name, b := range in {
		switch b := b.(type) {
		case schema.SingleNestedBlock:
			b.Description, b.MarkdownDescription, b.Validators = "", "", nil
			b.Attributes, b.Blocks = stripAttributes(b.Attributes), stripBlocks(b.Blocks)
			out[name] = b
		case schema.ListNestedBlock:
			b.Description, b.MarkdownDescription, b.Validators = "", "", nil
			b.NestedObject.Validators = nil
			b.NestedObject.Attributes, b.NestedObject.Blocks = stripAttributes(b.NestedObject.Attributes), stripBlocks(b.NestedObject.Blocks)
			out[name] = b
		case schema.SetNestedBlock:
			b.Description, b.MarkdownDescription, b.Validators = "", "", nil
			b.NestedObject.Validators = nil
			b.NestedObject.Attributes, b.NestedObject.Blocks = stripAttributes(b.NestedObject.Attributes), stripBlocks(b.NestedObject.Blocks)
			out[name] = b
		default:
			panic(fmt.Sprintf("floor: no strip for block type %T", b))
		}
	}
	return out
}

// stripProviderSchema strips the provider block the same way; it has no plan modifiers.
func stripProviderSchema(s pschema.Schema) pschema.Schema {
	s.Description, s.MarkdownDescription = "", ""
	attributes := make(map[string]pschema.Attribute, len(s.Attributes))
	for name, a := range s.Attributes {
		attributes[name] = stripProviderAttribute(a)
	}
	s.Attributes = attributes
	blocks := make(map[string]pschema.Block, len(s.Blocks))
	for name, b := range s.Blocks {
		list, ok := b.(pschema.ListNestedBlock)
		if !ok {
			panic(fmt.Sprintf("floor: no strip for provider block type %T", b))
		}
		list.Description, list.MarkdownDescription, list.Validators = "", "", nil
		nested := make(map[string]pschema.Attribute, len(list.NestedObject.Attributes))
		for n, a := range list.NestedObject.Attributes {
			nested[n] = stripProviderAttribute(a)
		}
		list.NestedObject.Attributes, list.NestedObject.Validators = nested, nil
		blocks[name] = list
	}
	s.Blocks = blocks
	return s
}

func stripProviderAttribute(a pschema.Attribute) pschema.Attribute {
	switch a := a.(type) {
	case pschema.StringAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case pschema.BoolAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case pschema.Int64Attribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case pschema.Float64Attribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case pschema.ListAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	case pschema.MapAttribute:
		a.Description, a.MarkdownDescription, a.Validators = "", "", nil
		return a
	}
	panic(fmt.Sprintf("floor: no strip for provider attribute type %T", a))
}
