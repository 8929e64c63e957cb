# Inputs of DCO Autopilot's infrastructure; values in terraform.tfvars.json, machine-specific ones from the infra-deployer.

variable "environment" {
  description = "Environment name, carried in tags (dco:env) and in the task-definition families (dco-<environment>-<app>)."
  type        = string
}

variable "cluster_name" {
  description = "ECS cluster running every DCO Autopilot service."
  type        = string
}

variable "apps" {
  description = "One ECS service per app: the baseline image (rollouts move it on), task size and replica count."
  type = map(object({
    image         = string
    desired_count = number
    cpu           = number
    memory        = number
  }))
}

variable "neo4j_ami" {
  description = "AMI of the Neo4j instance (name neo4j-<version>-*, tag dco:neo4j-version). Changing it replaces the instance."
  type        = string
}

variable "neo4j_instance_type" {
  description = "EC2 instance type of the Neo4j instance."
  type        = string
}

variable "neo4j_uri" {
  description = "Bolt URI the services use (NEO4J_URI); the db-migrator moves it on cutover."
  type        = string
}

variable "event_bus_name" {
  description = "EventBridge bus for DCO Autopilot's alerts and run outcomes."
  type        = string
}

variable "local_aws_command" {
  description = "Command that performs one AWS call for a local-exec provisioner (the infra-deployer passes an absolute path)."
  type        = string
  default     = "node -r ../tools/register.js ../infra/scripts/local-aws.ts"
}
