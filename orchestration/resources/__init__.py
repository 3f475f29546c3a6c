from orchestration.resources.credentials import SourceCredentials
from orchestration.resources.local_form import LocalFormSources
from orchestration.resources.production_sources import GoogleSheetsSource, SupplybuySource
from orchestration.resources.raw_archive import RawArchiveResource
from orchestration.resources.scheduling import SchedulingParameters
from orchestration.resources.warehouse import WarehouseResource

__all__ = ["GoogleSheetsSource", "LocalFormSources", "RawArchiveResource", "SchedulingParameters",
           "SourceCredentials", "SupplybuySource", "WarehouseResource"]
