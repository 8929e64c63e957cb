# Inputs of the AWS module: the same names and meaning as the local profile's root variables, plus networking.

variable "environment" { type = string }
variable "cluster_name" { type = string }

variable "apps" {
  type = map(object({
    image         = string
    desired_count = number
    cpu           = number
    memory        = number
  }))
}

variable "neo4j_ami" { type = string }
variable "neo4j_instance_type" { type = string }
variable "neo4j_uri" { type = string }
variable "event_bus_name" { type = string }

variable "subnet_ids" {
  description = "Private subnets for the Fargate tasks and the Neo4j instance."
  type        = list(string)
}

variable "security_group_ids" { type = list(string) }

variable "execution_role_arn" {
  description = "ECS task execution role (image pull, logs)."
  type        = string
}

variable "backup_bucket" {
  description = "The S3 bucket of the Neo4j backups (DCO_BACKUP_BUCKET): the Neo4j hosts read its neo4j-backups/ parts."
  type        = string
}

variable "log_retention_days" {
  type    = number
  default = 30
}
