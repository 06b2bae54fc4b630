package registry

import (
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// OpenShiftGroupAPIVersion is the API version of the operator's Group.
const OpenShiftGroupAPIVersion = "user.openshift.io/v1"

// UsersGroupMembers is what the provider writes of the operator's Group
// <registry>-users: its users, nothing else.
func UsersGroupMembers(registryName string, users []string) *unstructured.Unstructured {
	members := make([]any, 0, len(users))
	for _, u := range SortedUnique(users) {
		members = append(members, u)
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": OpenShiftGroupAPIVersion,
		"kind":       "Group",
		"metadata":   map[string]any{"name": UsersGroupName(registryName)},
		"users":      members,
	}}
}

// GroupUsers reads the users of a Group, sorted.
func GroupUsers(group *unstructured.Unstructured) []string {
	users, _, _ := unstructured.NestedStringSlice(group.Object, "users")
	return SortedUnique(users)
}

// GroupIsOperators tells whether a Group carries the labels the operator
// gives the objects of registry name.
func GroupIsOperators(group *unstructured.Unstructured, registryName string) bool {
	labels := group.GetLabels()
	return labels[LabelApp] == registryName && labels[LabelComponent] == ComponentModelRegistry
}

// UsersWithout is users less the ones in removed, sorted: what a Group keeps
// when a resource gives up the users it declared.
func UsersWithout(users, removed []string) []string {
	drop := map[string]bool{}
	for _, u := range removed {
		drop[u] = true
	}
	var kept []string
	for _, u := range users {
		if !drop[u] {
			kept = append(kept, u)
		}
	}
	return SortedUnique(kept)
}

// SortedUnique is values sorted, each once; never nil.
func SortedUnique(values []string) []string {
	out := make([]string, 0, len(values))
	seen := map[string]bool{}
	for _, v := range values {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	sort.Strings(out)
	return out
}
