"""Tests of solver/."""
