"""Google Sheets as a Dagster resource: configured by GOOGLE_SHEETS_SPREADSHEET_ID
(unset = the tabs come from the local CSV form)."""

from __future__ import annotations

from dagster import ConfigurableResource

from orchestration import settings
from orchestration.defs.sheets.client import SheetsReader
from orchestration.landing.credentials import SourceCredentials


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
