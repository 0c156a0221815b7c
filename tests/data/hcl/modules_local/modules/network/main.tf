variable "name" {
  type = string
}

variable "cidr" {
  type = string
}

variable "public" {
  type    = bool
  default = false
}

variable "subnet_count" {
  type    = number
  default = 1
}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}

resource "aws_subnet" "public" {
  count                   = var.subnet_count
  vpc_id                  = aws_vpc.this.id
  cidr_block              = cidrsubnet(aws_vpc.this.cidr_block, 8, count.index)
  map_public_ip_on_launch = var.public
}

resource "aws_security_group" "this" {
  name   = "${var.name}-sg"
  vpc_id = aws_vpc.this.id
}

module "flow_logs" {
  source = "../flow_logs"
  vpc_id = aws_vpc.this.id
}

output "vpc_id" {
  value = aws_vpc.this.id
}

output "public_subnet_ids" {
  value = aws_subnet.public[*].id
}

output "sg_id" {
  value = aws_security_group.this.id
}

output "is_public" {
  value = var.public
}
