"""Screens: one per job at the desk."""
