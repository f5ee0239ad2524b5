// Grants "Cognitive Services OpenAI User" on an existing Azure OpenAI account to a principal (the
// container app's system-assigned identity): enough to call deployments with Entra ID tokens, no
// keys and no management rights. Deployed by main.bicep into the account's own resource group.

@description('Name of the existing Azure OpenAI (Cognitive Services) account in this resource group.')
param accountName string

@description('Object id of the identity that calls Azure OpenAI.')
param principalId string

var openAiUserRoleId = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource openAi 'Microsoft.CognitiveServices/accounts@2023-05-01' existing = {
  name: accountName
}

resource openAiUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(openAi.id, principalId, openAiUserRoleId)
  scope: openAi
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', openAiUserRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

output roleAssignmentId string = openAiUser.id
