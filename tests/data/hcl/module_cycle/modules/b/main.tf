resource "aws_vpc" "loop" {
  cidr_block = "10.9.0.0/16"
}

module "back_to_a" {
  source = "../a"
}
