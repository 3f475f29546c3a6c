from orchestration.resources.local_form import LocalFormSources
from orchestration.resources.scheduling import SchedulingParameters
from orchestration.resources.warehouse import WarehouseResource

__all__ = ["LocalFormSources", "SchedulingParameters", "WarehouseResource"]
