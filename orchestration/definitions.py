"""The Dagster code location of the Production Scheduling Tool.

Loaded lazily (`@definitions`): importing this module reads no environment and
runs nothing; Dagster calls `defs()` when it loads the code location, which
reads the settings then (orchestration/settings.py).
"""

from dagster import Definitions, definitions

from orchestration.defs.build import build_definitions
from orchestration.settings import Settings


@definitions
def defs() -> Definitions:
    return build_definitions(Settings.from_env())
