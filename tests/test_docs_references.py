"""The docs name files and imports a person copies: each one must exist."""

import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *ROOT.glob("docs/**/*.md"), *ROOT.glob("deploy/*.md"),
        *ROOT.glob("soda/*.md")]
PATH = re.compile(r"\b((?:orchestration|dbt_project|benchmarks|tests|deploy|soda)/[\w./-]*\.(?:py|sql|yml|yaml))\b")
IMPORT = re.compile(r"^\s*from (orchestration[\w.]*) import ([\w, ]+)$", re.MULTILINE)


def test_every_file_the_docs_name_exists():
    missing = [f"{doc.relative_to(ROOT)}: {path}" for doc in DOCS
               for path in sorted(set(PATH.findall(doc.read_text()))) if not (ROOT / path).exists()]
    assert missing == []


def test_every_import_in_the_docs_resolves():
    broken = []
    for doc in DOCS:
        for module, names in IMPORT.findall(doc.read_text()):
            try:
                loaded = importlib.import_module(module)
            except ImportError as error:
                broken.append(f"{doc.relative_to(ROOT)}: {module} ({error})")
                continue
            broken += [f"{doc.relative_to(ROOT)}: {module}.{name.strip()}"
                       for name in names.split(",") if not hasattr(loaded, name.strip())]
    assert broken == []
