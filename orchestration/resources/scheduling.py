"""H, W and R: run configuration shared by the forecast pull and the dbt models."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field


class SchedulingParameters(ConfigurableResource):
    horizon_days: int = Field(default=31, ge=1, description="H: plan dates run_date+1 .. run_date+H")
    demand_window_days: int = Field(default=7, ge=1, description="W: days in the demand window")
    line_rounding_increment: float = Field(default=0.5, gt=0, description="R: line rounding step")
