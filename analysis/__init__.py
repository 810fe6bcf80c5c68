"""Analyses over many solves: sweeps and the budget frontier (more to come: tornado, Monte Carlo, near-optimal
alternatives). Each solve goes through the same loader, solver and independent verifier as `ppi solve`."""
