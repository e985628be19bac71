team "acme" {
  developers           = 200
  tokens_per_developer = [2e6, 5e6]
  cost_center          = "platform"
}

workload "chat" {
  share      = 1
  complexity = "complex"
}

teams "acme" {
  developers = 1
}

provider "aws" {
  region = "us-east-1"
}

resource "aws_instance" "gpu" {
}
