"""Figures and published tables, shared by the reports and the exploration notebooks."""
