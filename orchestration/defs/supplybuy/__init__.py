"""Supplybuy: the demand API's pull of a run_date (asset, check, the resource)."""
