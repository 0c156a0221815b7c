variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_cidr" {
  type    = string
  default = "10.20.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b"]
}

variable "admin_ports" {
  type    = list(number)
  default = [22]
}

variable "admin_cidr" {
  type = string
}

variable "enable_nat" {
  type    = bool
  default = false
}
