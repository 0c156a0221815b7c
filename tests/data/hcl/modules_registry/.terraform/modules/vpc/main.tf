variable "cidr" {
  type = string
}

variable "public_subnets" {
  type    = list(string)
  default = []
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

resource "aws_subnet" "public" {
  count      = length(var.public_subnets)
  vpc_id     = aws_vpc.this.id
  cidr_block = var.public_subnets[count.index]
}

module "endpoints" {
  source = "./modules/endpoints"
  vpc_id = aws_vpc.this.id
}

output "vpc_id" {
  value = aws_vpc.this.id
}
