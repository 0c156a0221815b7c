variable "from_default" {
  default = "default"
}
variable "from_env" {
  default = "default"
}
variable "from_tfvars" {
  default = "default"
}
variable "from_tfvars_json" {
  default = "default"
}
variable "from_auto_a" {
  default = "default"
}
variable "from_auto_b" {
  default = "default"
}
variable "from_var_file" {
  default = "default"
}
variable "from_cli" {
  default = "default"
}
variable "ports" {
  type    = list(number)
  default = []
}
variable "unset" {
  type = string
}

resource "aws_ssm_parameter" "values" {
  name = "layers"
  type = "String"
  value = jsonencode({
    from_default     = var.from_default
    from_env         = var.from_env
    from_tfvars      = var.from_tfvars
    from_tfvars_json = var.from_tfvars_json
    from_auto_a      = var.from_auto_a
    from_auto_b      = var.from_auto_b
    from_var_file    = var.from_var_file
    from_cli         = var.from_cli
    ports            = var.ports
  })
}
