# Resources of the local profile. Each terraform_data stands for one AWS resource of modules/aws; its create-time
# provisioner makes the same call against the AWS endpoint in DCO_AWS_ENDPOINT (the moto emulator). triggers_replace
# lists what AWS itself could not change in place, so a changed value re-runs the provisioner.

locals {
  tags = {
    "dco:env"        = var.environment
    "dco:managed-by" = "terraform"
  }
}

resource "terraform_data" "cluster" {
  triggers_replace = [var.cluster_name]
  input            = { name = var.cluster_name }

  provisioner "local-exec" {
    command     = "${var.local_aws_command} cluster"
    environment = { DCO_CLUSTER = self.input.name }
  }
}

resource "terraform_data" "task_definition" {
  for_each = var.apps

  # The family is the environment's own: environments sharing an account never run each other's revisions (ADR 0011).
  triggers_replace = [var.environment, each.value.image, each.value.cpu, each.value.memory, var.neo4j_uri]
  input = {
    family = "dco-${var.environment}-${each.key}"
    image  = each.value.image
    cpu    = each.value.cpu
    memory = each.value.memory
    environment = {
      DCO_APP   = each.key
      NEO4J_URI = var.neo4j_uri
      # The V8 heap at 5/8 of the task's memory (ADR 0035, tools/heap-sizing.ts).
      NODE_OPTIONS = "--max-old-space-size=${floor(each.value.memory * 5 / 8)}"
    }
  }

  provisioner "local-exec" {
    command = "${var.local_aws_command} task-definition"
    environment = {
      DCO_FAMILY   = self.input.family
      DCO_IMAGE    = self.input.image
      DCO_CPU      = tostring(self.input.cpu)
      DCO_MEMORY   = tostring(self.input.memory)
      DCO_ENV_JSON = jsonencode(self.input.environment)
      DCO_TAGS     = jsonencode(local.tags)
    }
  }
}

resource "terraform_data" "service" {
  for_each = var.apps

  # The running revision belongs to rollouts (ADR 0008), like ignore_changes = [task_definition] in modules/aws.
  # Only a new cluster or name replaces the service; its size is service_scale's, so scaling never recreates it.
  triggers_replace = [terraform_data.cluster.output.name, each.key]
  input = {
    cluster       = terraform_data.cluster.output.name
    service       = each.key
    family        = terraform_data.task_definition[each.key].output.family
    desired_count = each.value.desired_count
    # Destroy-time provisioners may only read self, so the command travels in the input.
    command = var.local_aws_command
  }

  provisioner "local-exec" {
    command = "${self.input.command} service"
    environment = {
      DCO_CLUSTER       = self.input.cluster
      DCO_SERVICE       = self.input.service
      DCO_FAMILY        = self.input.family
      DCO_DESIRED_COUNT = tostring(self.input.desired_count)
    }
  }

  provisioner "local-exec" {
    when    = destroy
    command = "${self.input.command} delete-service"
    environment = {
      DCO_CLUSTER = self.input.cluster
      DCO_SERVICE = self.input.service
    }
  }
}

resource "terraform_data" "service_scale" {
  for_each = var.apps

  triggers_replace = [terraform_data.service[each.key].id, each.value.desired_count]
  input = {
    cluster       = terraform_data.service[each.key].output.cluster
    service       = each.key
    family        = terraform_data.service[each.key].output.family
    desired_count = each.value.desired_count
  }

  provisioner "local-exec" {
    command = "${var.local_aws_command} service"
    environment = {
      DCO_CLUSTER       = self.input.cluster
      DCO_SERVICE       = self.input.service
      DCO_FAMILY        = self.input.family
      DCO_DESIRED_COUNT = tostring(self.input.desired_count)
    }
  }
}

# The Neo4j instance's desired AMI and size. The db-migrator provisions the servers themselves blue-green (it reads
# these outputs); replacing this resource therefore always needs a person's approval (plan policy).
resource "terraform_data" "neo4j_instance" {
  triggers_replace = [var.neo4j_ami, var.neo4j_instance_type]
  input = {
    ami           = var.neo4j_ami
    instance_type = var.neo4j_instance_type
  }
}

resource "terraform_data" "event_bus" {
  triggers_replace = [var.event_bus_name]
  input            = { name = var.event_bus_name }

  provisioner "local-exec" {
    command     = "${var.local_aws_command} event-bus"
    environment = { DCO_BUS = self.input.name }
  }
}

resource "terraform_data" "alert_rule" {
  triggers_replace = [terraform_data.event_bus.output.name]
  input = {
    bus  = terraform_data.event_bus.output.name
    name = "dco-alerts"
    pattern = {
      source        = ["dco.autopilot"]
      "detail-type" = ["Alert", "RunFailed", "RunCompletedAfterRollback"]
    }
  }

  provisioner "local-exec" {
    command = "${var.local_aws_command} rule"
    environment = {
      DCO_BUS          = self.input.bus
      DCO_RULE         = self.input.name
      DCO_PATTERN_JSON = jsonencode(self.input.pattern)
    }
  }
}
