// Package lifecycle runs the multi-object protocol that makes, reads, updates
// and deletes a model registry's objects on the cluster: dry runs, ordered
// writes, the create mark, owner references, rollback and adoption. It works on
// kube.Interface, so every branch is tested with an in-memory cluster, and it
// knows nothing of Terraform: failures are Problems a person can act on.
package lifecycle
