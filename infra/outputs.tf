# What other stages read after an apply: where the services run, which AMI Neo4j should run, where alerts go.

output "cluster_name" {
  value = terraform_data.cluster.output.name
}

output "services" {
  value = { for name, service in terraform_data.service : name => service.output.family }
}

output "neo4j" {
  value = terraform_data.neo4j_instance.output
}

output "event_bus_name" {
  value = terraform_data.event_bus.output.name
}
