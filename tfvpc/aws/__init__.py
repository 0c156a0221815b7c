"""The AWS builder: resource instances -> the neutral network model."""
