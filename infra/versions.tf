# DCO Autopilot's own infrastructure, local profile: builtin terraform_data only (no provider download), state in a local
# backend whose path the infra-deployer passes at init. The real AWS resources are in modules/aws (see ADR 0007).
terraform {
  required_version = ">= 1.8.0"

  backend "local" {}
}
