"""The generated sample the platform runs on when PST_LOCAL_DATA_DIR is unset."""

from __future__ import annotations

import os
import shutil

from orchestration import settings
from orchestration.landing import specs


def ensure_default_sample() -> None:
    """Without PST_LOCAL_DATA_DIR the platform runs on its generated sample:
    create it on first use (make run, dagster dev, or a container)."""
    if settings.local_data_dir() != settings.default_sample_dir():
        return
    sample = settings.default_sample_dir()
    if (sample / specs.FORECAST_CSV).exists():
        return
    from orchestration.sample_data.generate import generate_sample  # noqa: PLC0415

    # Several processes may all get here: each writes its own folder, the first rename wins.
    scratch = sample.with_name(f"{sample.name}.tmp-{os.getpid()}")
    generate_sample(scratch)
    try:
        scratch.rename(sample)
    except OSError:
        shutil.rmtree(scratch, ignore_errors=True)
