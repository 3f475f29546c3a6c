"""Hand-computed cases for the reference scheduler (tests/reference/scheduler.py).

Every expected number is worked out in the comments from scheduling.md,
qa.md and docs/decisions.md; nothing here is a snapshot of the oracle.
run_date is Monday 2026-11-23, so plan day 1 is Tuesday 11-24 (ISO day 2).
"""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from textwrap import dedent

import pytest

from orchestration.landing.text_rules import CSV_COLUMNS, TAB_COLUMNS
from tests.reference.scheduler import (
    SCHEDULE_COLUMNS,
    _ceil_step,
    _floor_step,
    _round6,
    compute_schedule,
)

RUN = date(2026, 11, 23)
D1, D2, D3 = (RUN + timedelta(days=n) for n in (1, 2, 3))
HEADERS = {name: ",".join(cols) for name, cols in {**TAB_COLUMNS, **CSV_COLUMNS}.items()}


def run(tmp_path: Path, H: int, W: int, raw: dict | None = None, **bodies):
    """Write each CSV (the spec header + the given data lines) and run the oracle."""
    raw = raw or {}
    for name, header in HEADERS.items():
        if name in raw:
            text = dedent(raw[name]).lstrip("\n")
        else:
            body = dedent(bodies.get(name, "")).strip("\n")
            text = header + "\n" + (body + "\n" if body else "")
        (tmp_path / f"{name}.csv").write_text(text)
    return compute_schedule(tmp_path, RUN, horizon_days=H, demand_window_days=W,
                            line_rounding_increment=Decimal("0.5"))


def row(result, item_id, day):
    [match] = [r for r in result.schedule if r["item_id"] == item_id and r["fps_dt"] == day]
    return match


def check(actual: dict, **expected):
    for key, value in expected.items():
        assert actual[key] == value, f"{key}: {actual[key]!r} != {value!r}"


def codes(result):
    return sorted((f["code"], f["source"], f["row_number"]) for f in result.qa_inputs)


# --------------------------------------------------------------------------- scheduling


BASIC = dict(
    items="A,Widget,P,L,TRUE,100,0.5,1,2,TRUE",
    dc_mapping="DC1,P",
    staffing_defaults="P,L,2,5\nP,L,3,5",
    forecasts="""
        A,DC1,2026-11-24,10
        A,DC1,2026-11-25,20
        A,DC1,2026-11-26,30
        A,DC1,2026-11-27,999
    """,
    inventory_snapshot="A,DC1,2026-11-22,0",
)


def test_basic_full_service_and_carry(tmp_path):
    # H=2, W=2: window 11-24..11-26 (11-27 is outside the pull, D9). rate 100, co 0.5, tdos 2.
    r = run(tmp_path, 2, 2, **BASIC)
    assert [list(x) for x in r.schedule] == [list(SCHEDULE_COLUMNS)] * 2
    # day 1: inv 0; window_sum 10+20=30; ad 15; dos 2*0/30=0; need = 2*15 + 10 - 0 = 40
    #   required = ceil((40/100 + 0.5)/0.5)*0.5 = ceil(1.8)*0.5 = 1.0; room 5 -> lines 1.0
    #   goal = (1.0-0.5)*100 = 50; carry inv = 0 + 50 - 10 = 40
    check(row(r, "A", D1), run_date=RUN, manufacturing_location="P", line_type="L",
          is_automated=True, schedule_class="automated",
          rank_over_manufacturing_location_line_type=1, projected_inventory=0,
          forecast_units=10, avg_demand=15, days_of_supply=0, need_units=40,
          changeover_lines=Decimal("0.5"), required_lines=1, production_lines=1,
          lines_available=5, production_goal_total=50, is_within_capacity=1,
          is_tomorrow_production_schedule=1)
    # day 2: inv 40; window_sum 20+30=50; ad 25; dos 2*40/50=1.6; need = 50 + 20 - 40 = 30
    #   required = ceil((0.3+0.5)/0.5)*0.5 = ceil(1.6)*0.5 = 1.0; goal 50
    check(row(r, "A", D2), projected_inventory=40, forecast_units=20, avg_demand=25,
          days_of_supply=Decimal("1.6"), need_units=30, required_lines=1, production_lines=1,
          production_goal_total=50, is_within_capacity=1, is_tomorrow_production_schedule=0)
    assert r.qa_inputs == r.qa_missing_inputs == r.fps_errors == r.capacity_alerting == []
    assert [(s["dt"], s["lines_available"]) for s in r.staffing_by_dt] == [(D1, 5), (D2, 5)]
    assert [f["forecast_units"] for f in r.sales_forecast] == [10, 20, 30]


def test_headers_any_order_any_case_and_stray_spaces(tmp_path):
    # same data as the basic case; headers reordered, cased, padded, plus an extra column
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    expected = run(tmp_path / "a", 2, 2, **BASIC)
    r = run(tmp_path / "b", 2, 2, raw={
        "items": "Is_Active, ITEM_ID ,item_name,Manufacturing_Location,line_type,is_automated,"
                 "units_per_line_day,changeover_lines,SAFETY_STOCK_DAYS,target_days_of_supply,notes\n"
                 "yes, A ,Widget, P ,L ,true,100,0.5,1,2,anything\n",
        "dc_mapping": """
            MANUFACTURING_LOCATION , Distribution_Center
            P , DC1
        """,
        "staffing_defaults": """
            lines_staffed,day_of_week,line_type,manufacturing_location
            5, 2 ,L,P
            5,3,L, P
        """,
    }, forecasts=BASIC["forecasts"], inventory_snapshot=BASIC["inventory_snapshot"],
        staffing="")
    assert r.schedule == expected.schedule
    assert r.qa_inputs == []


def test_partial_fill_bump_then_reschedule_outranks_lower_dos(tmp_path):
    # H=2, W=1, pool P/L; automated, rate 100, co 0. X: tdos 2, inv0 100. Y: tdos 1, inv0 0.
    r = run(tmp_path, 2, 1,
            items="X,x,P,L,TRUE,100,0,0,2,TRUE\nY,y,P,L,TRUE,100,0,0,1,TRUE",
            dc_mapping="DC1,P",
            staffing="P,L,11/24/2026,1.5",          # explicit row for day 1 (US date)
            staffing_defaults="P,L,2,9\nP,L,3,2",  # day 1 default 9 is overridden
            forecasts="""
                X,DC1,2026-11-24,100
                X,DC1,2026-11-25,100
                Y,DC1,2026-11-25,100
            """,
            inventory_snapshot="X,DC1,2026-11-20,100")
    # day 1: X: ad 100, dos 100/100=1, need = 200 + 100 - 100 = 200, required 2.0;
    #   L = 1.5 -> lines 1.5 (partial), goal 150, within 0 -> bumped. Y: no demand, no row.
    check(row(r, "X", D1), schedule_class="automated", required_lines=2,
          production_lines=Decimal("1.5"), lines_available=Decimal("1.5"),
          production_goal_total=150, is_within_capacity=0)
    assert [x["item_id"] for x in r.schedule if x["fps_dt"] == D1] == ["X"]
    # day 2: X inv = 100 + 150 - 100 = 150; dos 1.5; need = 200 + 100 - 150 = 150
    #   required = ceil(1.5/0.5 - 1e-9)*0.5 = 1.5 (an exact multiple stays); class reschedule.
    #   Y: inv 0, dos 0, need = 100 + 100 - 0 = 200, required 2.0, class automated.
    #   reschedule (priority 0) ranks first despite its higher dos: X rank 1 gets 1.5 of L=2;
    #   Y: room = floor((2 - 1.5)/0.5)*0.5 = 0.5 -> lines 0.5, goal 50, within 0.
    check(row(r, "X", D2), schedule_class="automated_reschedule",
          rank_over_manufacturing_location_line_type=1, projected_inventory=150,
          days_of_supply=Decimal("1.5"), need_units=150, required_lines=Decimal("1.5"),
          production_lines=Decimal("1.5"), lines_available=2, production_goal_total=150,
          is_within_capacity=1)
    check(row(r, "Y", D2), schedule_class="automated", rank_over_manufacturing_location_line_type=2,
          days_of_supply=0, need_units=200, required_lines=2, production_lines=Decimal("0.5"),
          production_goal_total=50, is_within_capacity=0)


def test_changeover_not_below_room_gets_no_lines_and_later_ranks_get_nothing(tmp_path):
    # H=1, W=1, tdos 1, ss 0, rate 100, L = 1.5 (default for Tuesday)
    r = run(tmp_path, 1, 1,
            items="""
                P1,a,P,L,yes,100,0,0,1,yes
                P2,b,P,L,yes,100,0.5,0,1,yes
                P3,c,P,L,yes,100,0,0,1,yes
            """,
            dc_mapping="DC1,P", staffing_defaults="P,L,2,1.5",
            forecasts="P1,DC1,2026-11-24,50\nP2,DC1,2026-11-24,50\nP3,DC1,2026-11-24,50",
            inventory_snapshot="P2,DC1,2026-11-23,25\nP3,DC1,2026-11-23,50")
    # P1: inv 0, dos 0, need 50+50-0 = 100, required 1.0 -> lines 1.0, goal 100
    check(row(r, "P1", D1), rank_over_manufacturing_location_line_type=1, required_lines=1,
          production_lines=1, production_goal_total=100, is_within_capacity=1)
    # P2: inv 25, dos 0.5, need 75, required = ceil((0.75+0.5)/0.5)*0.5 = ceil(2.5)*0.5 = 1.5;
    #   room = floor((1.5-1.0)/0.5)*0.5 = 0.5 <= changeover 0.5 -> 0 lines, goal 0
    check(row(r, "P2", D1), rank_over_manufacturing_location_line_type=2,
          required_lines=Decimal("1.5"), production_lines=0, production_goal_total=0,
          is_within_capacity=0)
    # P3: inv 50, dos 1, need 50, required 0.5; cum_before = 1.0 + 1.5 = 2.5 > 1.5 -> room 0
    check(row(r, "P3", D1), rank_over_manufacturing_location_line_type=3,
          required_lines=Decimal("0.5"), production_lines=0, is_within_capacity=0)
    assert r.fps_errors == []  # P has lines scheduled tomorrow


def test_exact_multiple_of_R_is_not_pushed_up(tmp_path):
    # H=1, W=3, rate 4, co 0, tdos 3: window_sum 1+2+2 = 5, ad = 5/3 (repeating), so the
    # computed target 3 * (5/3) carries rounding noise just above 5 (as numeric does in SQL).
    # need = 5 + 1 - 0 = 6, need/rate = 1.5 = 3 steps of R -> required 1.5, not 2.0;
    # L = 1.5 -> lines 1.5, within capacity, goal 1.5 * 4 = 6.
    r = run(tmp_path, 1, 3, items="G,g,P,L,1,4,0,0,3,1", dc_mapping="DC1,P",
            staffing_defaults="P,L,2,1.5",
            forecasts="G,DC1,2026-11-24,1\nG,DC1,2026-11-25,2\nG,DC1,2026-11-26,2")
    g = row(r, "G", D1)
    assert abs(g["avg_demand"] - Decimal(5) / 3) < Decimal("1e-20")
    assert abs(g["need_units"] - 6) < Decimal("1e-20")
    check(g, required_lines=Decimal("1.5"), production_lines=Decimal("1.5"),
          is_within_capacity=1, production_goal_total=6)
    # the guards themselves, R = 0.5
    R = Decimal("0.5")
    assert _ceil_step(Decimal("3.0000000001"), R) == 3      # noise below 1e-9 of a step
    assert _ceil_step(Decimal("3.00000001"), R) == Decimal("3.5")
    assert _floor_step(Decimal("2.9999999999"), R) == 3
    assert _floor_step(Decimal("2.99999"), R) == Decimal("2.5")
    assert _round6(Decimal("1.0000005")) == Decimal("1.000001")  # half away from zero (D15)
    assert _round6(Decimal("1.0000004999")) == Decimal("1.000000")


def test_classes_and_ranking_by_priority_then_dos(tmp_path):
    # H=1, W=1, f=100 each, rate 100, co 0, L=10 (everyone fits)
    r = run(tmp_path, 1, 1,
            items="""
                Au,a,P,L,TRUE,100,0,1,6,TRUE
                R,r,P,L,FALSE,100,0,3,4,TRUE
                Pr,p,P,L,no,100,0,1,2,TRUE
                Eq,e,P,L,0,100,0,2,3,TRUE
            """,
            dc_mapping="DC1,P", staffing_defaults="P,L,2,10",
            forecasts="\n".join(f"{i},DC1,2026-11-24,100" for i in ("Au", "R", "Pr", "Eq")),
            inventory_snapshot="Au,DC1,2026-11-22,500\nR,DC1,2026-11-22,200\n"
                               "Pr,DC1,2026-11-22,150\nEq,DC1,2026-11-22,200")
    # Au: automated, dos 5, need 6*100+100-500 = 200          -> priority 1
    # R : manual, dos 2 < ss 3, need 4*100+100-200 = 300      -> reactive (2)
    # Pr: manual, dos 1.5 >= ss 1, need 200+100-150 = 150     -> proactive (3)
    # Eq: manual, dos 2 = ss 2 (not below, D14), need 300+100-200 = 200 -> proactive (3)
    # rank: priority first (Au, R), then dos within proactive (Pr 1.5 before Eq 2)
    got = [(x["item_id"], x["schedule_class"], x["rank_over_manufacturing_location_line_type"],
            x["need_units"], x["required_lines"]) for x in r.schedule]
    assert got == [("Au", "automated", 1, 200, 2), ("R", "non_automated_reactive", 2, 300, 3),
                   ("Pr", "non_automated_proactive", 3, 150, Decimal("1.5")),
                   ("Eq", "non_automated_proactive", 4, 200, 2)]
    assert all(x["is_within_capacity"] == 1 for x in r.schedule)  # 2+3+1.5+2 = 8.5 <= 10


def test_ties_broken_by_rounded_dos_then_item_id_bytes(tmp_path):
    # Pool L: B1, Z1, a1 identical (dos 0): byte order "B1" < "Z1" < "a1" (not case-folded).
    # Pool L2: f = 10,000,000; dos = inv/f (W=1):
    #   x1 1.0000004 -> round6 1.000000; x2 1.0000001 -> 1.000000 (tie: x1 before x2 by id)
    #   x0 1.0000005 -> 1.000001 (half away from zero) -> after both despite "x0" < "x1"
    items = ["B1,b,P,L,TRUE,100,0,0,1,TRUE", "Z1,z,P,L,TRUE,100,0,0,1,TRUE",
             "a1,a,P,L,TRUE,100,0,0,1,TRUE"]
    items += [f"{i},x,P,L2,TRUE,10000000,0,0,2,TRUE" for i in ("x0", "x1", "x2")]
    fc = [f"{i},DC1,2026-11-24,100" for i in ("a1", "Z1", "B1")]
    fc += [f"{i},DC1,2026-11-24,10000000" for i in ("x0", "x1", "x2")]
    inv = ["x0,DC1,2026-11-23,10000005", "x1,DC1,2026-11-23,10000004",
           "x2,DC1,2026-11-23,10000001"]
    r = run(tmp_path, 1, 1, items="\n".join(items), dc_mapping="DC1,P",
            staffing_defaults="P,L,2,100\nP,L2,2,100", forecasts="\n".join(fc),
            inventory_snapshot="\n".join(inv))
    ranks = {x["item_id"]: x["rank_over_manufacturing_location_line_type"] for x in r.schedule}
    assert ranks == {"B1": 1, "Z1": 2, "a1": 3, "x1": 1, "x2": 2, "x0": 3}


# --------------------------------------------------------------------------- staffing


def test_staffing_falls_back_to_defaults_then_zero(tmp_path):
    # H=2, W=1. (P,AUTO): explicit 4 on 11-24; the 11-25 row is negative (code 4), so the
    # Wednesday default 7 applies. (P,MAN) has an item but no staffing -> 0 + missing code 1.
    # (Q,X) only has a Tuesday default: 1 then 0, no finding (no active item in it).
    r = run(tmp_path, 2, 1,
            items="M1,m,P,MAN,FALSE,100,0,1,2,TRUE", dc_mapping="DC1,P",
            staffing="P,AUTO,2026-11-24,4\nP,AUTO,2026-11-25,-3",
            staffing_defaults="P,AUTO,2,9\nP,AUTO,3,7\nQ,X,2,1",
            forecasts="M1,DC1,2026-11-24,100\nM1,DC1,2026-11-25,100")
    lines = {(s["manufacturing_location"], s["line_type"], s["dt"]): s["lines_available"]
             for s in r.staffing_by_dt}
    assert lines == {("P", "AUTO", D1): 4, ("P", "AUTO", D2): 7, ("P", "MAN", D1): 0,
                     ("P", "MAN", D2): 0, ("Q", "X", D1): 1, ("Q", "X", D2): 0}
    assert r.qa_missing_inputs == [
        {"code": "1", "manufacturing_location": "P", "line_type": "MAN", "dt": D1},
        {"code": "1", "manufacturing_location": "P", "line_type": "MAN", "dt": D2}]
    assert codes(r) == [("4", "staffing", 3)]
    # M1 (manual): inv 0, dos 0 < ss 1 -> reactive; need = 2*100 + 100 - 0 = 300, required 3.0,
    # L = 0 -> no lines; day 2 inv = max(0, 0 + 0 - 100) = 0, same again (never "reschedule").
    for day in (D1, D2):
        check(row(r, "M1", day), schedule_class="non_automated_reactive", need_units=300,
              required_lines=3, production_lines=0, lines_available=0, is_within_capacity=0)
    # D16: P has 4 lines tomorrow (AUTO) and a candidate, but 0 production lines -> code 01.
    assert r.fps_errors == [{"code": "01", "manufacturing_location": "P", "line_type": None,
                             "fps_dt": D1}]


def test_no_rows_tomorrow_and_missing_forecast_date(tmp_path):
    # H=1, W=2: window 11-24..11-25. inv 1000 covers target 2*5 + 10 -> no candidate at all.
    r = run(tmp_path, 1, 2, items="A,a,P,L,TRUE,100,0,1,2,TRUE", dc_mapping="DC1,P",
            staffing_defaults="P,L,2,5", forecasts="A,DC1,2026-11-24,10",
            inventory_snapshot="A,DC1,2026-11-23,1000")
    assert r.schedule == []
    assert r.fps_errors == [{"code": "01", "manufacturing_location": None, "line_type": None,
                             "fps_dt": D1}]
    assert r.qa_missing_inputs == [{"code": "2", "manufacturing_location": None,
                                    "line_type": None, "dt": D2}]
    # excess: inv0 1000 > tdos 2 * ad (10+0)/2 = 10 -> excess 990
    assert [(e["item_id"], e["excess_units"]) for e in r.excess_inventory] == [("A", 990)]


# --------------------------------------------------------------------------- QA


def test_duplicates_highest_row_number_wins(tmp_path):
    # Row numbers: header = 1, so data starts at 2; the blank row 3 of staffing still counts.
    r = run(tmp_path, 2, 1,
            staffing="P,L,2026-11-24,1\n,,,\nP,L,11/24/2026,6",        # rows 2, (3), 4
            staffing_defaults="P,L,3,2\nP,L,3,4",                       # rows 2, 3
            dc_mapping="DC1,Q\n DC1 ,P",                                 # rows 2, 3
            items="""
                I1,Old,P,L,TRUE,100,0,0,1,TRUE
                I1,New,P,L,TRUE,200,0,0,1,TRUE
                I1,Gone,P,L,TRUE,400,0,0,1,FALSE
                i1,Other case,P,L,TRUE,100,0,0,1,TRUE
            """,                                                       # rows 2..5
            forecasts="I1,DC1,2026-11-24,100\nI1,DC1,2026-11-25,100")
    assert codes(r) == [("5", "dc_mapping", 2), ("5", "staffing", 2),
                        ("5", "staffing_defaults", 2), ("6", "items", 2)]
    # winners: L(11-24) = 6 (row 4), L(Wed) = 4 (row 3), DC1 -> P, I1 rate 200 (row 3);
    # the inactive row 4 takes no part, i1 is another item (keys are case-sensitive).
    # day 1: need = 100 + 100 - 0 = 200, required = 200/200 = 1.0 -> lines 1.0, goal 200
    check(row(r, "I1", D1), lines_available=6, required_lines=1, production_goal_total=200)
    # day 2: inv = 200 - 100 = 100, need = 100 + 100 - 100 = 100, required 0.5, L = 4
    check(row(r, "I1", D2), lines_available=4, projected_inventory=100, need_units=100,
          required_lines=Decimal("0.5"), production_goal_total=100)
    assert r.capacity_alerting == []


def test_untypeable_cells_are_code_8_only(tmp_path):
    r = run(tmp_path, 1, 1,
            items="""
                A,Alpha,P,L,TRUE,"1,25",0,3,1,TRUE
                B,Beta,P,L,maybe,100,0,1,2,TRUE
                C,,P,L,TRUE,100,0,1,2,TRUE
            """,
            # row 2: impossible date and negative lines -> 8, not 4; row 3: blank lines
            # row 4 fully blank, row 5 only spaces: skipped without a finding
            staffing="P,L,2026-02-30,-5\nP,L,2026-11-24,\n,,,\n  , ,,",
            staffing_defaults="P,L,8,3\nP,L,2,1.5.0",
            dc_mapping="DC1,\nDC2,P")
    assert codes(r) == [("8", "dc_mapping", 2), ("8", "items", 2), ("8", "items", 3),
                        ("8", "items", 4), ("8", "staffing", 2), ("8", "staffing", 3),
                        ("8", "staffing_defaults", 2), ("8", "staffing_defaults", 3)]
    a = next(f for f in r.qa_inputs if f["source"] == "items" and f["row_number"] == 2)
    assert (a["item_id"], a["manufacturing_location"], a["line_type"]) == ("A", "P", "L")


def test_validation_codes_forecast_and_inventory_findings(tmp_path):
    r = run(tmp_path, 1, 2,
            items="""
                Z,Zero rate,P,L,TRUE,0,0,1,2,TRUE
                N,Negative rate,P,L,TRUE,-5,0,1,2,FALSE
                T,Target below safety,P,L,TRUE,100,0,3,2,TRUE
                C,Negative changeover,P,L,TRUE,100,-0.5,1,2,TRUE
                Q,Both,P,L,TRUE,0,-1,3,2,TRUE
                OK,Good,P,L,TRUE,100,0,1,2,TRUE
            """,
            staffing="P,L,2026-11-24,-1",
            staffing_defaults="P,L,2,-2\nP,L,2,3",
            dc_mapping="DC1,P",
            forecasts="""
                OK,DC1,2026-11-24,10
                OK,DC1,2026-11-24,-1
                OK,DC1,2026-11-24,"1,250"
                ,DC1,2026-11-24,5
                OK,DC1,11/24/2026,5
                OK,DC1,2026-12-30,abc
                OK,D9,2026-11-24,4
                OK,D9,2026-11-24,6
                Z,DC1,2026-11-24,7
                NEW,DC1,2026-11-24,3
                NEW,DC1,2026-11-24,2
                OK,DC1,2026-11-24,5
            """,
            inventory_snapshot="""
                OK,DC1,2026-11-15,100
                OK,DC1,2026-11-22,-4
                OK,D9,2026-11-22,50
                OK,D2,2026-11-30,999
                OK,DC1,bad-date,1
            """)
    assert codes(r) == [
        ("1", "forecasts", None), ("1", "inventory_snapshot", None),
        ("2", "items", 2),                      # row 3 is inactive: only typed (D6)
        ("2", "items", 6),                      # first code only: 2, not 3
        ("3", "items", 4), ("3", "items", 5),
        ("4", "staffing", 2), ("4", "staffing_defaults", 2),
        ("7", "forecasts", 3), ("7", "forecasts", 4),  # negative, not a plain number
        ("7", "inventory_snapshot", 3),         # latest snapshot of (OK, DC1) is invalid
        ("8", "forecasts", 5),                  # blank item_id
        ("8", "forecasts", 6),                  # not ISO; row 7 is outside the window: nothing
        ("8", "inventory_snapshot", 6),         # unreadable snapshot_dt
    ]
    unmapped = {(f["source"], f["distribution_center"], f["row_count"])
                for f in r.qa_inputs if f["code"] == "1"}
    assert unmapped == {("forecasts", "D9", 2), ("inventory_snapshot", "D9", 1)}  # 11-30 is later
    assert [(a["item_id"], a["total_forecast_units"], a["row_count"])
            for a in r.capacity_alerting] == [("NEW", 5, 2), ("Z", 7, 1)]
    assert r.qa_missing_inputs == [{"code": "2", "manufacturing_location": None,
                                    "line_type": None, "dt": D2}]
    # OK: forecast(11-24) = 10 + 5 (repeated records summed); inv0 = 0 because its latest
    # snapshot row is invalid and the older one does not count (D11).
    # W=2: window_sum 15 + 0, ad 7.5, need = 2*7.5 + 15 - 0 = 30, required = ceil(0.6)*0.5
    # = 0.5; L: staffing row is code 4, default row 2 is code 4 -> default row 3 = 3.
    check(row(r, "OK", D1), forecast_units=15, avg_demand=Decimal("7.5"), projected_inventory=0,
          need_units=30, required_lines=Decimal("0.5"), production_lines=Decimal("0.5"),
          lines_available=3, production_goal_total=50)
    assert [x["item_id"] for x in r.schedule] == ["OK"]


def test_missing_required_column_fails_the_load(tmp_path):
    with pytest.raises(ValueError, match="dc_mapping.*manufacturing_location"):
        run(tmp_path, 1, 1, raw={"dc_mapping": "distribution_center,plant\nDC1,P\n"})


def test_inventory_rows_with_a_blank_key_belong_to_the_newest_snapshot(tmp_path):
    # A blank key has no "latest" of its own: such a row is reported (code 8) only when it
    # is in the file's newest snapshot_dt <= run_date (11-22 here); 11-30 is after run_date.
    r = run(tmp_path, 1, 1, items="A,a,P,L,TRUE,100,0,1,2,TRUE", dc_mapping="DC1,P",
            staffing_defaults="P,L,2,5", forecasts="A,DC1,2026-11-24,10",
            inventory_snapshot="""
                A,DC1,2026-11-22,40
                ,DC1,2026-11-15,5
                , DC1 ,2026-11-22,5
                A,,2026-11-22,5
                ,DC1,2026-11-30,5
            """)
    assert codes(r) == [("8", "inventory_snapshot", 4), ("8", "inventory_snapshot", 5)]
    # inv0 = 40: need = 2*10 + 10 - 40 = -10 -> no candidate
    assert r.schedule == []
