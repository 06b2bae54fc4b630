# The users of the operator's OpenShift Group "fraud-users", which the operator binds
# to the registry's role. The Group stays the operator's; only its users are written.
resource "openshiftai_model_registry_group_members" "fraud" {
  # resource_name of the registry; refer to openshiftai_model_registry.<name>.resource_name
  # when the registry is in the same configuration: the create waits for the operator's Group.
  registry = "fraud"

  users = ["alice@example.com", "bob"]
}
