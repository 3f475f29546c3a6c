"""Supplybuy as a Dagster resource: configured by SUPPLYBUY_BASE_URL (unset = the
forecasts come from forecasts.csv of the local form)."""

from __future__ import annotations

from dagster import ConfigurableResource

from orchestration import settings
from orchestration.defs.supplybuy.client import SupplybuyClient
from orchestration.landing.credentials import SourceCredentials


class SupplybuySource(ConfigurableResource):
    """base_url empty = SUPPLYBUY_BASE_URL; rate_limit_budget_seconds comes from the
    settings (PST_SUPPLYBUY_RATE_LIMIT_SECONDS) when the definitions load."""

    credentials: SourceCredentials
    base_url: str = ""
    page_size: int = 500
    rate_limit_budget_seconds: float = settings.Settings.supplybuy_rate_limit_seconds

    def is_configured(self) -> bool:
        return bool(self.base_url or settings.supplybuy_base_url())

    def client(self) -> SupplybuyClient:
        return SupplybuyClient(self.base_url or settings.supplybuy_base_url(),
                               self.credentials.supplybuy_token(), page_size=self.page_size,
                               rate_limit_budget=self.rate_limit_budget_seconds)
