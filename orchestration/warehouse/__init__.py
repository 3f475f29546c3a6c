"""The warehouse the platform writes to: embedded PostgreSQL or PST_DATABASE_URL."""

from orchestration.warehouse.connection import (
    WarehouseTarget,
    WarehouseUnreachable,
    connect,
    ensure_warehouse,
)

__all__ = ["WarehouseTarget", "WarehouseUnreachable", "connect", "ensure_warehouse"]
