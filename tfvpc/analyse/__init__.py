"""Analysers: pure functions from the network model to findings."""
