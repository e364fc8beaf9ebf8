"""Unit tests of the pure seat and sales rules: seat maps, gap rule, special seats, limits,
recommendations (pricing and refunds: test_money_rules.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from worldkit import code_of, tiny_data

from ticketbench.env.rules import (
    check_attendees,
    check_event_quantity,
    check_event_sales_open,
    check_gap_rule,
    check_movie_sales_open,
    check_movie_selection,
    check_special_seats,
    check_zone_capacity,
    stranded_seats,
)
from ticketbench.env.seats.recommend import rank_selections
from ticketbench.env.seats.seatmap import SeatMap, parse_layout, render_grid, seat_map
from ticketbench.env.toolkit import EnvError

W = tiny_data()


def sm_of(*rows: str) -> SeatMap:
    return parse_layout("T", rows)


# --- seat map --------------------------------------------------------------------------


def test_numbering_skips_aisles_counts_broken() -> None:
    sm = sm_of("SX_SS", "_SS_")
    assert list(sm.seats) == ["1-1", "1-2", "1-3", "1-4", "2-1", "2-2"]
    assert sm.seats["1-3"].col == 3 and sm.seats["1-3"].block == 1
    assert sm.broken == frozenset({"1-2"})
    assert sm.rows[1] == (("2-1", "2-2"),)


def test_couple_pairs_left_to_right_inside_blocks() -> None:
    sm = sm_of("CCC_CC", "CSCC")
    assert sm.couple_partner["1-1"] == "1-2" and "1-3" not in sm.couple_partner
    assert sm.couple_partner["1-4"] == "1-5"
    assert "2-1" not in sm.couple_partner and sm.couple_partner["2-3"] == "2-4"


def test_companion_links_to_adjacent_wheelchair() -> None:
    sm = sm_of("WP_PW", "PWP", "PS")
    assert sm.companion_of["1-2"] == ("1-1",) and sm.companion_of["1-3"] == ("1-4",)
    assert sm.companion_of["2-1"] == ("2-2",) and sm.companion_of["2-3"] == ("2-2",)
    assert "3-1" not in sm.companion_of


def test_seat_map_is_cached_per_hall() -> None:
    assert seat_map(W.halls[0]) is seat_map(W.halls[0])


def test_unknown_layout_char() -> None:
    with pytest.raises(ValueError):
        parse_layout("bad", ("SQ",))


def test_render_grid_is_compact_and_marks_state() -> None:
    sm = seat_map(W.halls[0])
    text = render_grid(sm, {"1-1", "2-5"}, selected={"3-3"})
    lines = text.splitlines()
    assert len(lines) == 2 + len(sm.rows)
    assert lines[2] == "1 | 1~2 x o | 3~8 o o o o o o | 9~10 o o"
    assert "3~8 * V V V V o" in lines[4]
    assert "1~2 o #" in lines[5] and "1~2 W P" in lines[6]
    assert len(text) < 800
    assert len(render_grid(sm, (), legend=False).splitlines()) == 1 + len(sm.rows)


# --- gap rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "taken", "sel", "stranded"),
    [
        ("SSSSSS", set(), {"1-2"}, ["1-1"]),  # row end is a wall
        ("SSSSSS", set(), {"1-1", "1-2"}, []),
        ("SSSSSS", set(), {"1-3", "1-4"}, []),  # pairs left on both sides
        ("SSSSSS", set(), {"1-2", "1-3"}, ["1-1"]),
        ("SSSSSS", {"1-1"}, {"1-3"}, ["1-2"]),  # between a sold seat and the selection
        ("SSSSSS", {"1-1", "1-3"}, {"1-5", "1-6"}, ["1-4"]),  # old gap 1-2 not counted
        ("SSSSSS", {"1-1", "1-3"}, {"1-4"}, []),  # old gap only
        ("SSSSSS", {"1-1", "1-3"}, {"1-2"}, []),  # filling a gap is fine
        ("SSSSS", set(), {"1-2", "1-4"}, ["1-1", "1-3", "1-5"]),  # splitting a run
        ("SS_SSSS", set(), {"1-4"}, ["1-3"]),  # aisle is a wall
        ("SS_SSSS", set(), {"1-3"}, []),
        ("SXSSS", set(), {"1-4", "1-5"}, ["1-3"]),  # broken wall; 1-1 was already single
        ("S_SS", set(), {"1-2", "1-3"}, []),  # a one-seat block is an old gap
        ("SSSS", {"1-4"}, {"1-1", "1-2"}, ["1-3"]),
        ("SSS", set(), {"1-1", "1-2", "1-3"}, []),
    ],
)
def test_stranded_seats(row: str, taken: set[str], sel: set[str], stranded: list[str]) -> None:
    sm = sm_of(row)
    assert stranded_seats(sm, taken, sel) == stranded


def test_gap_rule_other_rows_do_not_count() -> None:
    sm = sm_of("SSS", "SSS")
    # row 1 has an old single gap; selecting in row 2 is judged on row 2 only
    assert stranded_seats(sm, {"1-1", "1-3"}, {"2-1", "2-2", "2-3"}) == []


def test_check_gap_rule_names_seat() -> None:
    sm = sm_of("SSSSSS")
    with pytest.raises(EnvError) as e:
        check_gap_rule(sm, set(), {"1-2"})
    assert e.value.code == "gap_rule" and "1-1" in e.value.message
    check_gap_rule(sm, set(), {"1-1"})


# --- special seats and selection -------------------------------------------------------


def test_couple_seats_only_as_pairs() -> None:
    sm = sm_of("CCCC", "CCC")
    with pytest.raises(EnvError) as e:
        check_special_seats(sm, {"1-1"})
    assert e.value.code == "couple_pair" and "1-2" in e.value.message
    assert code_of(check_special_seats, sm, {"1-2", "1-3"}) == "couple_pair"
    check_special_seats(sm, {"1-1", "1-2", "1-3", "1-4"})
    check_special_seats(sm, {"2-3"})  # unpaired leftover couple seat sells alone


def test_wheelchair_and_companion() -> None:
    sm = sm_of("WPS", "PWP", "PS")
    check_special_seats(sm, {"1-1"})  # wheelchair alone
    check_special_seats(sm, {"1-1", "1-2"})
    with pytest.raises(EnvError) as e:
        check_special_seats(sm, {"1-2", "1-3"})
    assert e.value.code == "companion_seat" and "1-1" in e.value.message
    check_special_seats(sm, {"2-2", "2-3"})
    check_special_seats(sm, {"3-1"})  # no adjacent wheelchair seat: ordinary seat


def test_check_movie_selection_errors() -> None:
    sm = seat_map(W.halls[0])
    taken = {"1-1"}
    assert check_movie_selection(sm, taken, ["1-4", " 1-3"]) == ("1-3", "1-4")
    cases = [
        (["9-1"], "unknown_seat"),
        (["1-3", "1-3"], "duplicate_seat"),
        ([], "no_seats"),
        (["2-3", "2-4", "2-5", "2-6", "2-7"], "order_limit"),
        (["4-2"], "seat_broken"),
        (["1-1"], "seat_taken"),
        (["6-1"], "couple_pair"),
        (["5-2"], "companion_seat"),
        (["1-4"], "gap_rule"),
    ]
    for seats, code in cases:
        assert code_of(check_movie_selection, sm, taken, seats) == code, seats


# --- limits and windows ----------------------------------------------------------------


def test_event_limits_and_attendees() -> None:
    e1 = W.events[0]
    e2 = W.events[1]
    check_event_quantity(e1, 4)
    assert code_of(check_event_quantity, e1, 5) == "order_limit"
    assert code_of(check_event_quantity, e1, 0) == "invalid_quantity"
    saved = {a.id: a for a in W.users[0].attendees}
    got = check_attendees(e1, 2, ["A1", "A2"], saved, {})
    assert [a.id for a in got] == ["A1", "A2"]
    assert check_attendees(e2, 3, None, saved, {}) == ()
    assert code_of(check_attendees, e2, 1, ["A1"], saved, {}) == "attendees_not_needed"
    assert code_of(check_attendees, e1, 2, None, saved, {}) == "attendees_required"
    assert code_of(check_attendees, e1, 2, ["A1"], saved, {}) == "attendee_count"
    assert code_of(check_attendees, e1, 2, ["A1", "A1"], saved, {}) == "duplicate_attendee"
    assert code_of(check_attendees, e1, 1, ["ZZ"], saved, {}) == "not_found"
    held = {saved["A2"].id_number: 1}
    assert code_of(check_attendees, e1, 2, ["A1", "A2"], saved, held) == "id_limit"


def test_sales_windows_are_strict() -> None:
    st = W.showtimes[0]  # 19:00, cut-off 15 min
    check_movie_sales_open(st, st.start - timedelta(minutes=15, seconds=1))
    assert code_of(check_movie_sales_open, st, st.start - timedelta(minutes=15)) == "sales_closed"
    ev = W.events[0]
    s = ev.sessions[0]
    assert code_of(check_event_sales_open, ev, s, ev.on_sale - timedelta(seconds=1)) == (
        "not_on_sale"
    )
    check_event_sales_open(ev, s, ev.on_sale)
    assert code_of(check_event_sales_open, ev, s, s.start - timedelta(minutes=120)) == (
        "sales_closed"
    )


def test_zone_capacity() -> None:
    check_zone_capacity(5, 4, 1, "B")
    assert code_of(check_zone_capacity, 5, 4, 2, "B") == "not_enough_tickets"
    assert code_of(check_zone_capacity, 5, 5, 1, "B") == "sold_out"


# --- recommendations -------------------------------------------------------------------


def test_recommendations_obey_rules_and_preferences() -> None:
    sm = seat_map(W.halls[0])
    taken = {"1-1", "2-5"}
    for pref in ("centre", "aisle", "front", "back", "together", "wheelchair"):
        for n in (1, 2, 3, 4):
            for sel in rank_selections(sm, taken, n, pref):
                assert len(sel) == n
                check_movie_selection(sm, taken, sel)
    assert rank_selections(sm, taken, 2, "front")[0][0].startswith("1-")
    assert rank_selections(sm, taken, 2, "back")[0][0].startswith("5-")
    couple = rank_selections(sm, taken, 2, "couple")
    assert couple and all(sm.seats[s].type == "couple" for sel in couple for s in sel)
    wc = rank_selections(sm, taken, 2, "wheelchair")
    assert wc and all(any(sm.seats[s].type == "wheelchair" for s in sel) for sel in wc)
    for sel in rank_selections(sm, taken, 2, "centre"):
        assert all(sm.seats[s].type in ("standard", "vip") for s in sel)
    assert rank_selections(sm, taken, 3, "centre") == rank_selections(sm, taken, 3, "centre")
    assert code_of(rank_selections, sm, taken, 3, "couple") == "couple_pair"
    assert code_of(rank_selections, sm, taken, 5, "centre") == "order_limit"
    assert code_of(rank_selections, sm, taken, 2, "middle") == "invalid_preference"


def _reference_ranking(
    sm: SeatMap, taken: set[str], n: int, pref: str, limit: int
) -> list[list[str]]:
    """Every window of n adjacent free seats of allowed types, checked with the rules
    themselves and sorted by the scorer: the slow, obvious version of `rank_selections`
    (contiguous runs only; callers skip the two-run fallback)."""
    from ticketbench.env.seats.recommend import _ALLOWED, _DEFAULT_TYPES, _Scorer

    types = _ALLOWED.get(pref, _DEFAULT_TYPES)
    score = _Scorer(sm, pref)
    keyed = []
    for blocks in sm.rows:
        for block in blocks:
            for i in range(len(block) - n + 1):
                run = block[i : i + n]
                if any(s in taken or s in sm.broken or sm.seats[s].type not in types for s in run):
                    continue
                if pref == "wheelchair" and not any(sm.seats[s].type == "wheelchair" for s in run):
                    continue
                try:
                    check_movie_selection(sm, taken | sm.broken, run)
                except EnvError:
                    continue
                keyed.append((score(run), list(run)))
    keyed.sort()
    return [run for _, run in keyed[:limit]]


@pytest.mark.parametrize("density", [0.0, 0.2, 0.5, 0.8, 0.95])
def test_recommendations_match_the_obvious_ranking(density: float) -> None:
    import random

    from ticketbench.env.world import load_world

    world = load_world()
    rng = random.Random(f"recommend:{density}")
    halls = sorted(world.halls.values(), key=lambda h: h.id)
    prefs = ("centre", "aisle", "front", "back", "together", "couple", "wheelchair")
    checked = 0
    for _ in range(150):
        sm = seat_map(rng.choice(halls))
        taken = {s for s in sm.seats if rng.random() < density}
        pref, n, limit = rng.choice(prefs), rng.randint(1, 4), rng.choice((1, 3, 5, 12))
        if pref == "couple" and n % 2:
            continue
        want = _reference_ranking(sm, taken, n, pref, limit)
        if not want and pref not in ("together", "couple") and n > 1:
            continue  # the two-run fallback: test_recommend_split_fallback
        assert rank_selections(sm, taken, n, pref, limit) == want, (sm.hall_id, pref, n)
        checked += 1
    assert checked > 50


def test_recommend_split_fallback() -> None:
    sm = sm_of("SS_SS", "SS_SS")
    sels = rank_selections(sm, set(), 4, "centre")
    assert sels and all(len(s) == 4 for s in sels)
    assert rank_selections(sm, set(), 4, "together") == []
    assert rank_selections(sm, {"1-1", "1-2", "1-3", "1-4", "2-1", "2-2", "2-3"}, 2, "centre") == []
