variable "security_group_id" {
  type = string
}

variable "port" {
  type = number
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  security_group_id = var.security_group_id
  ip_protocol       = "tcp"
  from_port         = var.port
  to_port           = var.port
  cidr_ipv4         = "0.0.0.0/0"
}
