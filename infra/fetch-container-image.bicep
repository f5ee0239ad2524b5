// The containers the app runs now, or [] before it exists: lets a re-provision keep the image
// `azd deploy` put there instead of resetting it to the placeholder. A module of its own so that
// it reads the app before resources.bicep changes it.

@description('Whether the container app already exists (azd: SERVICE_WEB_RESOURCE_EXISTS).')
param exists bool

@description('Name of the container app.')
param name string

resource existingApp 'Microsoft.App/containerApps@2024-03-01' existing = if (exists) {
  name: name
}

// `!`: the `exists` guard already rules out the missing app; Bicep cannot see that.
output containers array = exists ? existingApp!.properties.template.containers : []
