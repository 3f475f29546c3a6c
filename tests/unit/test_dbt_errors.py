"""A failed dbt step says which nodes failed and why (run_results.json), not dbt's
command line."""

from __future__ import annotations

import json

from orchestration.defs.dbt.assets import dbt_errors


def _results(tmp_path, results):
    path = tmp_path / "run_results.json"
    path.write_text(json.dumps({"results": results}))
    return path


def test_the_failed_nodes_and_their_first_meaningful_line(tmp_path):
    path = _results(tmp_path, [
        {"unique_id": "model.production_scheduling.ps_staffing_by_dt", "status": "success",
         "message": "SELECT 310"},
        {"unique_id": "model.production_scheduling.ps_qa_inputs", "status": "error",
         "message": "Database Error in model ps_qa_inputs (models/intermediate/qa/ps_qa_inputs.sql)\n"
                    "  relation \"stg2.int_items__checked\" does not exist\n  LINE 39: ..."},
        {"unique_id": "test.production_scheduling.assert_fps_rule1.abc", "status": "fail",
         "message": "Got 2 results, configured to fail if != 0"},
    ])
    text = dbt_errors(path)
    assert text == ("dbt build: 2 node(s) failed: model ps_qa_inputs: relation "
                    "\"stg2.int_items__checked\" does not exist; test assert_fps_rule1: Got 2 results, "
                    "configured to fail if != 0")


def test_nothing_to_say_without_failures_or_results(tmp_path):
    assert dbt_errors(tmp_path / "missing.json") is None
    assert dbt_errors(_results(tmp_path, [{"unique_id": "model.p.m", "status": "success"}])) is None


def test_many_failures_are_counted_not_listed(tmp_path):
    path = _results(tmp_path, [{"unique_id": f"model.p.m{i}", "status": "error",
                                "message": f"boom {i}"} for i in range(5)])
    assert dbt_errors(path).endswith("model m2: boom 2; and 2 more")
