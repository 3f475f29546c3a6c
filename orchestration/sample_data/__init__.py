"""Deterministic, production-shaped sample of the local sources (see generate.py)."""

from orchestration.sample_data.generate import (
    DEFAULT_END,
    DEFAULT_OUT_DIR,
    DEFAULT_SEED,
    DEFAULT_START,
    generate_sample,
)

__all__ = ["DEFAULT_END", "DEFAULT_OUT_DIR", "DEFAULT_SEED", "DEFAULT_START", "generate_sample"]
