from_var_file = "prod.tfvars"
from_cli      = "prod.tfvars"
