// Package lifecycle runs the multi-object protocol that makes, reads, updates
// and deletes a model registry's objects on the cluster: dry runs, ordered
// writes, the create mark, owner references, rollback and adoption; and the
// writes of its permissions' RoleBindings (permission.go): the list's write
// before delete, the single permission's create mark, adoption and refusal to
// share a binding. It works on
// kube.Interface, so every branch is tested with an in-memory cluster, and it
// knows nothing of Terraform: failures are Problems a person can act on.
package lifecycle
