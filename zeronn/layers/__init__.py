"""Layers with hand-written forward and backward passes."""
