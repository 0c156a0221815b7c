"""tfvpc: path-aware analysis of AWS networking described in Terraform."""

__version__ = "0.1.0"
