"""Tests of results/."""
