"""H, W and R: run configuration shared by the forecast pull and the dbt models
(defaults: orchestration/settings.py `Scheduling`)."""

from __future__ import annotations

from dagster import ConfigurableResource
from pydantic import Field

from orchestration.settings import Scheduling

_S = Scheduling


class SchedulingParameters(ConfigurableResource):
    horizon_days: int = Field(default=_S.horizon_days, ge=1,
                              description="H: plan dates run_date+1 .. run_date+H")
    demand_window_days: int = Field(default=_S.demand_window_days, ge=1,
                                    description="W: days in the demand window")
    line_rounding_increment: float = Field(default=float(_S.line_rounding_increment), gt=0,
                                           description="R: line rounding step")
