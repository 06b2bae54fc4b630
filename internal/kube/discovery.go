package kube

import (
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
)

// served is what the API server serves, asked once per client.
type served struct {
	groupsOnce sync.Once
	versions   map[schema.GroupVersion]bool
	groupsErr  error
	// resources caches, per served group version, its resources.
	resources sync.Map // schema.GroupVersion -> *servedResources
}

type servedResources struct {
	once  sync.Once
	names map[string]bool
	err   error
}

// Serves tells whether the API server serves a resource. A request for a kind
// it does not serve can be held until the request's deadline before the server
// refuses it (it waits in case the kind's CRD is being made), so optional kinds
// (the Gateway API, the AIHub) are looked up here first: one request for the
// list of groups and one per group version asked, per client.
func (c *Client) Serves(gvr schema.GroupVersionResource) (bool, error) {
	c.served.groupsOnce.Do(func() {
		dc, err := discovery.NewDiscoveryClientForConfig(c.restConfig)
		if err != nil {
			c.served.groupsErr = err
			return
		}
		groups, err := dc.ServerGroups()
		if err != nil {
			c.served.groupsErr = err
			return
		}
		c.served.versions = map[schema.GroupVersion]bool{}
		for _, g := range groups.Groups {
			for _, v := range g.Versions {
				c.served.versions[schema.GroupVersion{Group: g.Name, Version: v.Version}] = true
			}
		}
	})
	if c.served.groupsErr != nil {
		return false, c.served.groupsErr
	}
	gv := gvr.GroupVersion()
	if !c.served.versions[gv] {
		return false, nil
	}
	entry, _ := c.served.resources.LoadOrStore(gv, &servedResources{})
	list := entry.(*servedResources) //nolint:forcetypeassert // only *servedResources is stored
	list.once.Do(func() {
		dc, err := discovery.NewDiscoveryClientForConfig(c.restConfig)
		if err != nil {
			list.err = err
			return
		}
		resources, err := dc.ServerResourcesForGroupVersion(gv.String())
		if apierrors.IsNotFound(err) {
			list.names = map[string]bool{}
			return
		}
		if err != nil {
			list.err = err
			return
		}
		list.names = map[string]bool{}
		for _, r := range resources.APIResources {
			list.names[r.Name] = true
		}
	})
	return list.names[gvr.Resource], list.err
}
