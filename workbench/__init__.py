"""Workbench: a keyboard-driven, offline terminal workbench for sales reps."""

__version__ = "0.1.0"
