variable "name" {
  description = "Display name of the registry in the dashboard."
  type        = string
}

variable "resource_name" {
  description = "Kubernetes name of the registry; null derives it from name as the dashboard does."
  type        = string
  default     = null
}

variable "description" {
  description = "Description shown in the dashboard."
  type        = string
  default     = null
}

variable "namespace" {
  description = "Registries namespace; null uses the provider's."
  type        = string
  default     = null
}

variable "database" {
  description = "The external database: type mysql (MySQL or MariaDB, the default) or postgres. existing_password_secret names a Secret key that already holds the password; leave it null to pass password instead. Null with default_database."
  type = object({
    type                   = optional(string, "mysql")
    host                   = optional(string)
    host_address           = optional(string)
    ssl_mode               = optional(string)
    port                   = optional(number)
    username               = string
    database               = string
    skip_database_creation = optional(bool, false)
    verify_connection      = optional(bool, false)
    existing_password_secret = optional(object({
      name = string
      key  = string
    }))
  })
  default = null
}

variable "default_database" {
  description = "Use the operator's default database (development and testing only: destroying the registry deletes it) instead of database."
  type        = bool
  default     = false
}

variable "password" {
  description = "Database password, written to a Secret the provider makes. Never stored in plan or state. Null with database.existing_password_secret."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "password_version" {
  description = "Increase to write a changed password to the cluster."
  type        = number
  default     = 1
}

variable "ca" {
  description = "How the registry verifies the database's TLS certificate: at most one of cluster_bundle, openshift_ai_bundle, config_map, secret, pem. Null connects without verification."
  type = object({
    cluster_bundle      = optional(bool)
    openshift_ai_bundle = optional(bool)
    config_map = optional(object({
      name = string
      key  = string
    }))
    secret = optional(object({
      name = string
      key  = string
    }))
    pem = optional(string)
  })
  default = null
}

variable "users" {
  description = "User names granted the use of the registry."
  type        = set(string)
  default     = []
}

variable "groups" {
  description = "OpenShift Groups granted the use of the registry. system:authenticated means every authenticated user."
  type        = set(string)
  default     = []
}

variable "projects" {
  description = "Projects whose service accounts may use the registry."
  type        = set(string)
  default     = []
}

variable "deletion_protection" {
  description = "Refuse to destroy or replace the registry."
  type        = bool
  default     = false
}
