variable "environments" {
  type = map(object({
    cidr       = string
    public     = optional(bool, false)
    subnet_cnt = optional(number, 1)
  }))
  default = {
    prod = { cidr = "10.1.0.0/16", public = true, subnet_cnt = 2 }
    dev  = { cidr = "10.2.0.0/16" }
  }
}

module "network" {
  source   = "./modules/network"
  for_each = var.environments

  name         = each.key
  cidr         = each.value.cidr
  public       = each.value.public
  subnet_count = each.value.subnet_cnt
}

module "bastion_rules" {
  source = "./modules/sg_rules"
  count  = 2

  security_group_id = module.network["prod"].sg_id
  port              = 22 + count.index
}

resource "aws_instance" "bastion" {
  subnet_id              = module.network["prod"].public_subnet_ids[0]
  vpc_security_group_ids = [module.network["prod"].sg_id]
  associate_public_ip_address = module.network["prod"].is_public
}
