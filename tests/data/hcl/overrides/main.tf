resource "aws_security_group" "db" {
  name   = "db"
  vpc_id = "vpc-0a1b2c3d"

  ingress {
    from_port   = 5432
    to_port     = 5432
    protocol    = "tcp"
    cidr_blocks = ["10.0.0.0/8"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

locals {
  environment = "staging"
}

resource "aws_ssm_parameter" "env" {
  name  = "env"
  type  = "String"
  value = local.environment
}
