"""Plan files: the text and JSON formats, the errors (file and line), the plan-like arguments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubclient.mirror import MirrorPlan, MirrorPlanItem, PlanError
from hubclient.mirror._plan import plan_items

TEXT = """\
# a plan
acme/model
dataset:acme/corpus@v1.0   mirror/corpus   # renamed on the destination

spaces/acme/demo
datasets/acme/other@refs/pr/1
model:acme/tagged@release/2024
"""


def test_text_format() -> None:
    plan = MirrorPlan.parse(TEXT)
    assert plan.items == [
        MirrorPlanItem(repo_id="acme/model"),
        MirrorPlanItem(
            repo_id="acme/corpus",
            repo_type="dataset",
            revision="v1.0",
            dest_repo_id="mirror/corpus",
        ),
        MirrorPlanItem(repo_id="acme/demo", repo_type="space"),
        MirrorPlanItem(repo_id="acme/other", repo_type="dataset", revision="refs/pr/1"),
        MirrorPlanItem(repo_id="acme/tagged", revision="release/2024"),
    ]


def test_json_list_and_wrapped_forms_with_string_items() -> None:
    items = [
        {"repo_id": "acme/corpus", "repo_type": "dataset", "revision": "v1"},
        "space:acme/demo mirror/demo",
    ]
    expected = [
        MirrorPlanItem(repo_id="acme/corpus", repo_type="dataset", revision="v1"),
        MirrorPlanItem(repo_id="acme/demo", repo_type="space", dest_repo_id="mirror/demo"),
    ]
    assert MirrorPlan.parse(json.dumps(items)).items == expected
    assert MirrorPlan.parse(json.dumps({"repos": items}, indent=2)).items == expected
    assert MirrorPlan.parse(json.dumps(items), format="json").items == expected


def test_load_detects_the_format(tmp_path: Path) -> None:
    text_file = tmp_path / "plan.txt"
    text_file.write_text("acme/a\n")
    json_file = tmp_path / "plan.json"
    json_file.write_text('{"repos": [{"repo_id": "acme/b"}]}')
    bom_json = tmp_path / "plan"
    bom_json.write_text('\ufeff  ["acme/c"]', encoding="utf-8")
    assert MirrorPlan.load(text_file).items == [MirrorPlanItem(repo_id="acme/a")]
    assert MirrorPlan.load(json_file).items == [MirrorPlanItem(repo_id="acme/b")]
    assert MirrorPlan.load(str(bom_json)).items == [MirrorPlanItem(repo_id="acme/c")]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("acme/a\nmodle:acme/x\n", 2, "unknown repo type 'modle'"),
        ("acme/a\n\nacme/a@v1\n", 3, "already used by line 1"),
        ("acme/x mirror/a\nacme/y mirror/a\n", 2, "destination model 'mirror/a'"),
        ("datasets/acme/x\ndataset:acme/x@v2\n", 2, "already used"),
        ("just-a-name\n", 1, "expected 'namespace/name'"),
        ("acme/x extra/y more/z\n", 1, "expected 'REPO [DEST]'"),
        ("acme/x@\n", 1, "invalid revision"),
        ("acme/bad--name\n", 1, "bad repo id"),
        ("acme/x not-an-id\n", 1, "bad destination"),
        ("things/acme/x\n", 1, "unknown repo type prefix"),
        ("dataset:acme/x mirror/x@v1\n", 1, "bad destination"),
    ],
)
def test_text_errors_name_the_file_and_line(text: str, line: int, words: str) -> None:
    with pytest.raises(PlanError) as caught:
        MirrorPlan.parse(text, name="plan.txt")
    assert f"plan.txt:{line}: " in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.problems[0][0] == line


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(PlanError) as caught:
        MirrorPlan.parse("bad\nacme/ok\nx:acme/y\nacme/ok\n", name="p")
    assert [line for line, _ in caught.value.problems] == [1, 3, 4]
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing\n   # at all\n", "[]", '{"repos": []}'])
def test_an_empty_plan_is_an_error(text: str) -> None:
    with pytest.raises(PlanError, match="names no repo"):
        MirrorPlan.parse(text)


def test_json_errors_have_lines() -> None:
    text = """{
  "repos": [
    {"repo_id": "acme/x", "repo_type": "dataset"},
    {"repo_id": "acme/y", "repo_type": "datasets"},
    {"repo_id": "acme/z", "bogus": true},
    "acme/x",
    {"repo_id": "acme/x", "repo_type": "dataset",
     "revision": "v1"},
    7
  ]
}"""
    with pytest.raises(PlanError) as caught:
        MirrorPlan.parse(text, name="plan.json")
    lines = [line for line, _ in caught.value.problems]
    assert lines == [4, 5, 7, 9]
    message = str(caught.value)
    assert "plan.json:4: item 2: repo_type" in message
    assert "plan.json:5: item 3: bogus" in message
    assert "plan.json:7: destination dataset 'acme/x' already used by line 3" in message


@pytest.mark.parametrize(
    ("text", "line"),
    [('[{"repo_id": "acme/x"},\n  oops]', 2), ('{"items": []}', 1), ("[1", 1), ('"x"', 1)],
)
def test_malformed_json(text: str, line: int) -> None:
    with pytest.raises(PlanError) as caught:
        MirrorPlan.parse(text, format="json", name="p.json")
    assert caught.value.problems[0][0] == line


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PlanError, match="plan file not found"):
        MirrorPlan.load(tmp_path / "nope.txt")


def test_plan_like_arguments(tmp_path: Path) -> None:
    file = tmp_path / "plan.txt"
    file.write_text("acme/a\nspace:acme/b\n")
    expected = [
        MirrorPlanItem(repo_id="acme/a"),
        MirrorPlanItem(repo_id="acme/b", repo_type="space"),
    ]
    assert plan_items(file) == expected
    assert plan_items(str(file)) == expected
    assert plan_items(MirrorPlan(items=expected)) == expected
    assert plan_items(["acme/a", MirrorPlanItem(repo_id="acme/b", repo_type="space")]) == expected
    assert plan_items(iter(["acme/a  # comment", "", "space:acme/b"])) == expected


def test_plan_like_arguments_are_checked() -> None:
    # a repo id passed where a plan file is expected: say how to do it right
    with pytest.raises(PlanError, match=r"pass a list: \['acme/a'\]"):
        plan_items("acme/a")
    with pytest.raises(PlanError, match="<plan>:2: destination model 'acme/a' already used"):
        plan_items([MirrorPlanItem(repo_id="acme/a"), "acme/a@v2"])
    with pytest.raises(PlanError, match="bad repo id"):
        plan_items(MirrorPlan(items=[MirrorPlanItem(repo_id="no-namespace")]))
    with pytest.raises(PlanError, match="names no repo"):
        plan_items([])


# --- round trips ------------------------------------------------------------------------

_name = st.from_regex(r"[A-Za-z0-9](?:[A-Za-z0-9_]|-(?!-)){0,10}[A-Za-z0-9]", fullmatch=True)
_repo_id = st.builds(lambda a, b: f"{a}/{b}", _name, _name)
_revision = st.from_regex(r"[A-Za-z0-9._/@:#-]{1,20}", fullmatch=True)
_item = st.builds(
    MirrorPlanItem,
    repo_id=_repo_id,
    repo_type=st.sampled_from(["model", "dataset", "space"]),
    revision=st.none() | _revision,
    dest_repo_id=st.none() | _repo_id,
)


def _unique(items: list[MirrorPlanItem]) -> bool:
    keys = [(i.repo_type, i.dest_repo_id or i.repo_id) for i in items]
    return len(keys) == len(set(keys))


@given(st.lists(_item, min_size=1, max_size=8).filter(_unique))
def test_round_trip_text_and_json(items: list[MirrorPlanItem]) -> None:
    plan = MirrorPlan(items=items)
    assert MirrorPlan.parse(plan.to_text()) == plan
    assert MirrorPlan.parse(plan.to_json()) == plan
    assert MirrorPlan.parse(plan.to_json(indent=None), format="json") == plan


@given(st.text(max_size=200))
def test_any_text_parses_or_raises_a_plan_error(text: str) -> None:
    problems: list[tuple[int | None, str]] = []
    try:
        plan = MirrorPlan.parse(text)
    except PlanError as err:
        problems = err.problems
    else:
        assert plan.items
    assert all(line is None or line >= 1 for line, _ in problems)
