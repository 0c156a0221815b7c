resource "aws_security_group" "web" {
  name        = "${local.name}-sg"
  description = "web servers"
  vpc_id      = aws_vpc.main.id

  ingress {
    description = "https"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  dynamic "ingress" {
    for_each = var.admin_ports
    content {
      description = "admin ${ingress.value}"
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = [var.admin_cidr]
    }
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_instance" "web" {
  count                       = 2
  ami                         = "ami-0123456789abcdef0"
  instance_type               = "t3.micro"
  subnet_id                   = values(aws_subnet.public)[count.index].id
  vpc_security_group_ids      = [aws_security_group.web.id]
  associate_public_ip_address = null
  depends_on                  = [aws_internet_gateway.igw]
  user_data                   = <<-EOT
    #!/bin/sh
    echo "${local.name}-${count.index}" > /etc/hostname
  EOT
}
