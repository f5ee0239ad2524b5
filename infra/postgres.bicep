// Azure Database for PostgreSQL Flexible Server for ChatKit Todo (usePostgres=true).
// Microsoft Entra ID sign-in only: no password exists. The app's managed identity is the server's
// Entra administrator and connects with a token from azure-identity (DATABASE_AUTH=entra).
// Docs: docs/DEPLOY.md ("More than one replica: PostgreSQL").

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object = {}

@description('Server name; the host is <name>.postgres.database.azure.com.')
param serverName string

@description('Database the app uses.')
param databaseName string = 'chatkit'

@description('Object (principal) id of the app\'s managed identity.')
param appPrincipalId string

@description('Name of the app\'s managed identity: for a system-assigned identity, the app\'s name. It is the PostgreSQL role the app signs in as.')
param appPrincipalName string

@description('Compute size. Burstable B1ms is enough for a team demo; scale up for real load.')
param skuName string = 'Standard_B1ms'

@allowed([
  'Burstable'
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string = 'Burstable'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = {
  name: serverName
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    storage: {
      storageSizeGB: 32
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// Container Apps on the Consumption plan have no fixed outbound address: admit Azure services.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource appAdmin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2022-12-01' = {
  parent: server
  name: appPrincipalId
  properties: {
    principalName: appPrincipalName
    principalType: 'ServicePrincipal'
    tenantId: tenant().tenantId
  }
  dependsOn: [
    database
    allowAzure
  ]
}

output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
