"""Assisted annotation: suggest method applications, datasets, processes and findings, with evidence."""
