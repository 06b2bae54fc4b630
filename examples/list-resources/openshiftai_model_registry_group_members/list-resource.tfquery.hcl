# The users administrators added to each registry's OpenShift Group <registry>-users.
list "openshiftai_model_registry_group_members" "all" {
  provider = openshiftai

  config {}
}
