# ECS cluster, one Fargate service + task definition per app, the Neo4j instance and its role, the EventBridge bus and
# alert rule.

locals {
  tags = {
    "dco:env"        = var.environment
    "dco:managed-by" = "terraform"
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.cluster_name
  tags = local.tags

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_cloudwatch_log_group" "app" {
  for_each          = var.apps
  name              = "/dco/${var.environment}/${each.key}"
  retention_in_days = var.log_retention_days
  tags              = local.tags
}

resource "aws_ecs_task_definition" "app" {
  for_each = var.apps

  family                   = "dco-${var.environment}-${each.key}"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  execution_role_arn       = var.execution_role_arn
  tags                     = local.tags

  container_definitions = jsonencode([{
    name      = "dco-${each.key}"
    image     = each.value.image
    essential = true
    environment = [
      { name = "DCO_APP", value = each.key },
      { name = "NEO4J_URI", value = var.neo4j_uri },
      # The V8 heap at 5/8 of the task's memory (ADR 0035, tools/heap-sizing.ts).
      { name = "NODE_OPTIONS", value = "--max-old-space-size=${floor(each.value.memory * 5 / 8)}" },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app[each.key].name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = each.key
      }
    }
  }])
}

data "aws_region" "current" {}

resource "aws_ecs_service" "app" {
  for_each = var.apps

  name            = each.key
  cluster         = aws_ecs_cluster.this.id
  task_definition = aws_ecs_task_definition.app[each.key].arn
  desired_count   = each.value.desired_count
  launch_type     = "FARGATE"

  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  # The circuit breaker is one of the rollout's health gates; rollback is done by the infra-deployer (ADR 0008).
  deployment_circuit_breaker {
    enable   = true
    rollback = false
  }

  network_configuration {
    subnets         = var.subnet_ids
    security_groups = var.security_group_ids
  }

  tags = local.tags

  # Rollouts (canary, health gates, rollback) own the running revision; Terraform owns the service's shape.
  lifecycle {
    ignore_changes = [task_definition]
  }
}

# The Neo4j hosts' role: the AMI's SSM agent registers with it (the db-migrator's offline import runs on green through
# SSM Run Command) and it reads the backup's parts, nothing else (ADR 0018). The db-migrator launches green with the same
# profile (DCO_NEO4J_INSTANCE_PROFILE = dco-<environment>-neo4j), so its role needs iam:PassRole on this role.
data "aws_iam_policy_document" "neo4j_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "neo4j" {
  name               = "dco-${var.environment}-neo4j"
  assume_role_policy = data.aws_iam_policy_document.neo4j_assume.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "neo4j_ssm" {
  role       = aws_iam_role.neo4j.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore"
}

data "aws_iam_policy_document" "neo4j_backups" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.backup_bucket}/neo4j-backups/*"]
  }
  # The offline import fetches a backup's parts in one `aws s3 cp --recursive` of its folder, which lists it first.
  statement {
    actions   = ["s3:ListBucket"]
    resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.backup_bucket}"]
    condition {
      test     = "StringLike"
      variable = "s3:prefix"
      values   = ["neo4j-backups/*"]
    }
  }
}

resource "aws_iam_role_policy" "neo4j_backups" {
  name   = "read-neo4j-backups"
  role   = aws_iam_role.neo4j.id
  policy = data.aws_iam_policy_document.neo4j_backups.json
}

resource "aws_iam_instance_profile" "neo4j" {
  name = "dco-${var.environment}-neo4j"
  role = aws_iam_role.neo4j.name
  tags = local.tags
}

data "aws_partition" "current" {}

resource "aws_instance" "neo4j" {
  ami                    = var.neo4j_ami
  instance_type          = var.neo4j_instance_type
  subnet_id              = var.subnet_ids[0]
  vpc_security_group_ids = var.security_group_ids
  iam_instance_profile   = aws_iam_instance_profile.neo4j.name

  tags = merge(local.tags, {
    Name        = "dco-neo4j-${var.environment}"
    "dco:role"  = "neo4j"
    "dco:color" = "blue"
  })

  # A replaced database host is a migration, never a side effect: the plan policy asks a person first.
  lifecycle {
    prevent_destroy = false
  }
}

resource "aws_cloudwatch_event_bus" "this" {
  name = var.event_bus_name
  tags = local.tags
}

resource "aws_cloudwatch_event_rule" "alerts" {
  name           = "dco-alerts"
  event_bus_name = aws_cloudwatch_event_bus.this.name
  event_pattern = jsonencode({
    source        = ["dco.autopilot"]
    "detail-type" = ["Alert", "RunFailed", "RunCompletedAfterRollback"]
  })
  tags = local.tags
}
