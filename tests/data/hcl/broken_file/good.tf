resource "aws_vpc" "ok" {
  cidr_block = "10.40.0.0/16"
}
