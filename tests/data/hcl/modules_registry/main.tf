module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.8.1"

  cidr            = "10.30.0.0/16"
  public_subnets  = ["10.30.1.0/24", "10.30.2.0/24"]
}

module "unlisted" {
  source = "git::https://example.com/network.git?ref=v1.2.0"
}

resource "aws_security_group" "app" {
  vpc_id = module.vpc.vpc_id
}

resource "aws_security_group" "other" {
  vpc_id = module.unlisted.vpc_id
}
