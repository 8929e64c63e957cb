# The real AWS deployment of DCO Autopilot (not applied locally: the hashicorp/aws provider is not built here, ADR 0007).
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.60"
    }
  }
}
