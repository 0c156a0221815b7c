"""The HCL front end: a directory of ``.tf`` files -> `LoadedInput`, evaluated statically."""

from tfvpc.load.hcl.loader import load_directory

__all__ = ["load_directory"]
