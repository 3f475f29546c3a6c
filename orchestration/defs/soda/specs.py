"""The Soda contracts as files (soda/contracts/*.yml): which contracts exist and the
checks, variables and dataset each declares, known without a database (the Dagster
asset checks are built from them when the definitions load)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

import yaml

from orchestration.settings import PROJECT_ROOT

CONTRACTS_DIR = PROJECT_ROOT / "soda" / "contracts"

# contract name -> YAML file. The name is the file's stem, which is also the
# name of the dataset it covers (dwh.fact_production_schedule).
CONTRACTS: dict[str, Path] = {path.stem: path for path in sorted(CONTRACTS_DIR.glob("*.yml"))}


@dataclass(frozen=True)
class SodaCheckSpec:
    """A check as declared in a contract file (known without a database)."""

    name: str  # unique in its contract; a valid Dagster asset check name
    check_type: str  # schema, row_count, missing, duplicate, freshness, ...
    column: str | None  # None for dataset-level checks
    levels: tuple[str, ...]  # the outcomes it can raise besides "pass": ("fail",), ("warn",), ("warn", "fail")
    description: str  # the check's `name:` in the YAML (Soda's display name), or ""


# ---------------------------------------------------------------------------
# Check names and the checks a contract declares


def check_name(check_type: str, column: str | None = None, qualifier: object = None) -> str:
    """`<column>__<type>[__<qualifier>]` or `<type>[__<qualifier>]`: stable, unique, Dagster-safe."""
    parts = [column, check_type, None if qualifier is None else str(qualifier)]
    return re.sub(r"[^A-Za-z0-9_]", "_", "__".join(part for part in parts if part))


def _levels(check_type: str, body: Mapping | None) -> tuple[str, ...]:
    if check_type == "schema":
        return ("fail",)  # Soda's schema check has no warn level
    threshold = (body or {}).get("threshold") or {}
    levels = {threshold.get("level") or "fail"}
    additional = threshold.get("additional")
    if isinstance(additional, Mapping):
        levels.add(additional.get("level") or "fail")
    return tuple(level for level in ("warn", "fail") if level in levels)


def _read_contract_yaml(contract: Path) -> dict:
    with open(contract, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    if not isinstance(document, dict):
        raise ValueError(f"{contract} is not a Soda contract (no YAML mapping)")
    return document


def contract_checks(contract: Path | str) -> list[SodaCheckSpec]:
    """The checks a contract declares, for AssetCheckSpecs at definitions load time."""
    document = _read_contract_yaml(contract_path(contract))
    specs: list[SodaCheckSpec] = []

    def add(entries, column):
        for entry in entries or []:
            if isinstance(entry, str):
                entry = {entry: None}
            (check_type, body), = entry.items()
            body = body or {}
            specs.append(SodaCheckSpec(
                name=check_name(check_type, column, body.get("qualifier")),
                check_type=check_type,
                column=column,
                levels=_levels(check_type, body),
                description=str(body.get("name") or ""),
            ))

    for column in document.get("columns") or []:
        add(column.get("checks"), column["name"])
    add(document.get("checks"), None)
    names = [spec.name for spec in specs]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{contract}: check names {duplicates} repeat; give the checks a `qualifier`")
    return specs


def contract_variables(contract: Path | str) -> dict[str, str | None]:
    """The variables a contract declares, with their defaults (None = required)."""
    declared = _read_contract_yaml(contract_path(contract)).get("variables") or {}
    return {name: (None if not spec or spec.get("default") is None else str(spec["default"]))
            for name, spec in declared.items()}


def contract_dataset(contract: Path | str) -> str:
    """`schema.table` of the contract's `dataset: pst/<database>/<schema>/<table>`."""
    qualified = str(_read_contract_yaml(contract_path(contract)).get("dataset") or "")
    from orchestration.settings import publish_schema  # noqa: PLC0415

    qualified = qualified.replace("${var.PUBLISH_SCHEMA}", publish_schema())
    return ".".join(qualified.split("/")[-2:])


def contract_path(contract: Path | str) -> Path:
    if isinstance(contract, str) and contract in CONTRACTS:
        return CONTRACTS[contract]
    return Path(contract)


