"""The production forms of the sources: Google Sheets (gspread) and Supplybuy (HTTP).

Each is selected by its environment variable (GOOGLE_SHEETS_SPREADSHEET_ID,
SUPPLYBUY_BASE_URL); unset = the local CSV form. Only the fetch differs
between the forms: landing is shared (orchestration/sources/landing.py).
"""

from __future__ import annotations

from dagster import ConfigurableResource

from orchestration import settings
from orchestration.resources.credentials import SourceCredentials
from orchestration.sources.sheets import SheetsReader
from orchestration.sources.supplybuy import SupplybuyClient


class GoogleSheetsSource(ConfigurableResource):
    """spreadsheet_id empty = GOOGLE_SHEETS_SPREADSHEET_ID; api_base_url empty =
    PST_SHEETS_API_URL or Google's."""

    credentials: SourceCredentials
    spreadsheet_id: str = ""
    api_base_url: str = ""

    def is_configured(self) -> bool:
        return bool(self.spreadsheet_id or settings.sheets_spreadsheet_id())

    def reader(self) -> SheetsReader:
        return SheetsReader(
            self.spreadsheet_id or settings.sheets_spreadsheet_id(),
            self.credentials.google_service_account_info(),
            api_base_url=self.api_base_url or settings.sheets_api_url(),
        )


class SupplybuySource(ConfigurableResource):
    """base_url empty = SUPPLYBUY_BASE_URL."""

    credentials: SourceCredentials
    base_url: str = ""
    page_size: int = 500

    def is_configured(self) -> bool:
        return bool(self.base_url or settings.supplybuy_base_url())

    def client(self) -> SupplybuyClient:
        return SupplybuyClient(self.base_url or settings.supplybuy_base_url(),
                               self.credentials.supplybuy_token(), page_size=self.page_size)
