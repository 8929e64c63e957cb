# Same outputs as the local profile's root, so the services read one shape in both profiles.

output "cluster_name" {
  value = aws_ecs_cluster.this.name
}

output "services" {
  value = { for name, service in aws_ecs_service.app : name => aws_ecs_task_definition.app[name].family }
}

output "neo4j" {
  value = {
    ami           = aws_instance.neo4j.ami
    instance_type = aws_instance.neo4j.instance_type
    private_ip    = aws_instance.neo4j.private_ip
  }
}

output "event_bus_name" {
  value = aws_cloudwatch_event_bus.this.name
}
