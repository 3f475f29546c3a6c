"""Soda data contracts (soda/contracts/*.yml) as asset checks."""
