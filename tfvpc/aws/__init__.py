"""The AWS builder: resource instances -> the neutral network model."""

from tfvpc.aws.build import build_network
from tfvpc.aws.catalogue import SUPPORTED_TYPES

__all__ = ["SUPPORTED_TYPES", "build_network"]
