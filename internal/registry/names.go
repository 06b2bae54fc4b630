// Package registry says what a model registry and a registry permission are on the
// cluster: the names, labels, owner references and specs of the objects the
// OpenShift AI dashboard and the model-registry operator make. It holds pure
// functions over plain Go values; it never talks to a cluster and knows nothing
// of Terraform.
package registry

import "k8s.io/apimachinery/pkg/runtime/schema"

// The ModelRegistry API.
const (
	Group    = "modelregistry.opendatahub.io"
	Version  = "v1beta1"
	Kind     = "ModelRegistry"
	Resource = "modelregistries"

	// Finalizer is the operator's finalizer on every registry; deletion waits for the
	// operator to remove it.
	Finalizer = "modelregistry.opendatahub.io/finalizer"
)

// GroupVersionResource is the ModelRegistry resource the provider reads and writes.
var GroupVersionResource = schema.GroupVersionResource{Group: Group, Version: Version, Resource: Resource}

// GroupVersionKind is the kind written into every object the provider applies.
var GroupVersionKind = schema.GroupVersionKind{Group: Group, Version: Version, Kind: Kind}

// DataScienceClusterResource is the cluster-scoped resource that says where registries live.
var DataScienceClusterResource = schema.GroupVersionResource{
	Group: "datasciencecluster.opendatahub.io", Version: "v1", Resource: "datascienceclusters",
}

// AIHubResource is the cluster-scoped AIHub of later platforms, whose
// spec.instancesNamespace says where registries live.
var AIHubResource = schema.GroupVersionResource{Group: "components.platform.opendatahub.io", Version: "v1alpha1", Resource: "aihubs"}

// AIHubName is the one AIHub the platform makes.
const AIHubName = "default-aihub"

// OpenShiftGroupResource is the cluster-scoped user.openshift.io Group.
var OpenShiftGroupResource = schema.GroupVersionResource{Group: "user.openshift.io", Version: "v1", Resource: "groups"}

// Namespaces.
const (
	// DefaultNamespace is where OpenShift AI keeps registries.
	DefaultNamespace = "rhoai-model-registries"
	// OpenDataHubNamespace is where Open Data Hub keeps registries.
	OpenDataHubNamespace = "odh-model-registries"
)

// Annotations the dashboard reads.
const (
	AnnotationDisplayName = "openshift.io/display-name"
	AnnotationDescription = "openshift.io/description"
)

// Labels.
const (
	LabelApp                    = "app"
	LabelComponent              = "component"
	LabelAppName                = "app.kubernetes.io/name"
	LabelAppComponent           = "app.kubernetes.io/component"
	LabelAppPartOf              = "app.kubernetes.io/part-of"
	LabelAppManagedBy           = "app.kubernetes.io/managed-by"
	LabelRegistryManaged        = "modelregistry.opendatahub.io/managed"
	LabelRegistryName           = "modelregistry.opendatahub.io/name"
	LabelDashboard              = "opendatahub.io/dashboard"
	LabelProjectSubject         = "opendatahub.io/rb-project-subject"
	ComponentModelRegistry      = "model-registry"
	ManagedByProvider           = "terraform-provider-openshiftai"
	PasswordSecretKeyPassword   = "database-password"
	PasswordSecretKeyUser       = "database-user"
	PasswordSecretKeyDatabase   = "database-name"
	CAConfigMapKey              = "ca.crt"
	TrustedCABundleConfigMap    = "odh-trusted-ca-bundle"
	TrustedCABundleClusterKey   = "ca-bundle.crt"
	TrustedCABundleOpenShiftKey = "odh-ca-bundle.crt"
)

// Conditions and reasons of status.conditions.
const (
	ConditionAvailable          = "Available"
	ConditionProgressing        = "Progressing"
	ConditionDegraded           = "Degraded"
	ReasonDeploymentAvailable   = "DeploymentAvailable"
	ReasonConfigurationError    = "ConfigurationError"
	ReasonDeploymentUnavailable = "DeploymentUnavailable"
)

// userRolePrefix starts the name of every registry's user Role.
const userRolePrefix = "registry-user-"

// UserRoleName is the Role the operator creates to grant use of registry name.
func UserRoleName(name string) string { return userRolePrefix + name }

// UsersGroupName is the OpenShift Group the operator creates for registry name;
// the RoleBinding of that group to the user role has the same name.
func UsersGroupName(name string) string { return name + "-users" }

// PasswordSecretName is the Secret holding the database password the provider writes.
func PasswordSecretName(name string) string { return name + "-db-password" }

// DefaultDatabaseSecretName is the Secret the operator makes with the user and
// password of the default database of registry name.
func DefaultDatabaseSecretName(name string) string { return name + "-postgres-credentials" }

// DefaultDatabaseStorageName is the PersistentVolumeClaim of the default database:
// deleting the registry deletes it, and with it every model's metadata.
func DefaultDatabaseStorageName(name string) string { return name + "-postgres-storage" }

// CAConfigMapName is the ConfigMap the dashboard and the provider write for an uploaded CA.
func CAConfigMapName(name string) string { return name + "-db-credential" }

// ProjectGroup is the group of all service accounts of a project.
func ProjectGroup(project string) string { return "system:serviceaccounts:" + project }

// CommonLabels are the labels the operator puts on every object of registry name.
func CommonLabels(name string) map[string]string {
	return map[string]string{
		LabelApp:          name,
		LabelComponent:    ComponentModelRegistry,
		LabelAppName:      name,
		LabelAppComponent: ComponentModelRegistry,
		LabelAppPartOf:    ComponentModelRegistry,
	}
}
