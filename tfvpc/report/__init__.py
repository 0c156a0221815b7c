"""Reporters: format a Report, compute nothing."""
