"""Front ends: HCL directories and plan/state JSON -> resource instances."""
