"""Hostile and careless input files: every class is refused with exit 2, a located
message naming the limit or rule, nothing echoed from files a set names, and bounded
memory (the costly cases run in a subprocess limited to HOSTILE_MEMORY_MB).

The files are made here, at test time (alias bombs, FIFOs, symlinks, big files).
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from conftest import extending, load_problems, run_modeller
from modeller.inputs import limits
from modeller.inputs.loader import AssumptionsError, load, load_text

SET_HEAD = "schema_version: 1\nname: x\nextends: national-faq-2017\n"


def _alias_bomb() -> str:
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    prev = "a"
    for i in range(1, 10):
        name = chr(ord("a") + i)
        text += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    return "schema_version: 1\n" + text


def _merge_bomb() -> str:
    text = "schema_version: 1\nb0: &b0 {x: 1, y: 2, z: 3}\n"
    for i in range(1, 40):
        text += f"b{i}: &b{i} {{<<: [*b{i - 1}, *b{i - 1}], k{i}: 1}}\n"
    return text


# (file text, words the message must hold); each is run in a memory-limited process.
RESOURCE_CASES = {
    "alias-bomb": (_alias_bomb(), ["MAX_NODES", "alias"]),
    "merge-key-bomb": (_merge_bomb(), ["MAX_"]),
    "recursive-alias": ("schema_version: 1\nx: &a [*a]\n", ["MAX_DEPTH"]),
    "deep-flow": ("schema_version: 1\nx: " + "[" * 10_000 + "]" * 10_000 + "\n",
                  ["MAX_DEPTH"]),
    "deep-block": ("schema_version: 1\n" + "".join(" " * i + "a:\n" for i in range(500))
                   + " " * 500 + "b: 1\n", ["MAX_DEPTH"]),
    "many-keys": ("schema_version: 1\n" + "".join(f"k{i}: 1\n" for i in range(25_000)),
                  ["MAX_NODES"]),
    "long-list": ("schema_version: 1\nx: [" + ",".join(["1"] * 100_000) + "]\n",
                  ["MAX_NODES"]),
    "too-big": ("schema_version: 1\nname: x\n#" + "a" * (limits.MAX_FILE_BYTES + 10)
                + "\n", ["MAX_FILE_BYTES"]),
    "huge-key": ("schema_version: 1\n? " + "k" * 100_000 + "\n: 1\n", ["MAX_KEY_CHARS"]),
    "huge-text": (SET_HEAD + "description: " + "a" * 200_000 + "\n",
                  ["MAX_TEXT_CHARS"]),
    "huge-integer": ("schema_version: 1\nname: x\nhorizon_years: " + "9" * 5000 + "\n",
                     ["MAX_NUMBER_DIGITS"]),
}


@pytest.mark.parametrize("case", sorted(RESOURCE_CASES))
def test_resource_exhausting_files_are_refused_in_bounded_memory(tmp_path, case):
    text, words = RESOURCE_CASES[case]
    path = tmp_path / f"{case}.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_modeller("validate", path.name, cwd=tmp_path)
    assert result.returncode == 2, result.stderr[-2000:]
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{case}.yaml"), first
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr and "Error:" not in result.stderr
    assert len(result.stderr) < 5_000  # nothing of the file is echoed at length


def test_too_many_problems_are_counted_not_listed(tmp_path):
    body = "".join(f"unknown_{i}: 1\n" for i in range(500))
    path = tmp_path / "many.yaml"
    path.write_text(SET_HEAD + body, encoding="utf-8")
    result = run_modeller("validate", path.name, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert len(lines) == limits.MAX_PROBLEMS + 2
    assert "and 450 more problem(s)" in lines[-2] and "MAX_PROBLEMS" in lines[-2]


@pytest.mark.parametrize("text", [
    "name: !!python/object/apply:os.system ['touch pwned']\n",
    "name: !!binary aGVsbG8=\n",
    "name: !!str x\n",
    "outcomes: !custom {recovery_rate: 0.5}\n",
    "conditions: !!set {a, b}\n",
    "costs: !!omap [{a: 1}]\n",
])
def test_tags_are_refused_with_their_line(tmp_path, text):
    found = load_problems(_write(tmp_path, SET_HEAD + text))
    assert any(":4:" in p and "tags" in p for p in found), found
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize("raw, char", [
    ('description: "x\\e[31mred"\n', "U+001B"),        # escape sequence in a quoted string
    ('description: "x\\x9b1m"\n', "U+009B"),           # C1 control
    ('description: "x\\u202Eevil"\n', "U+202E"),       # bidi override
    ('description: "x\\ud800"\n', "U+D800"),           # lone surrogate
    ('"k\\e": 1\n', "U+001B"),                  # in a key
    ("description: x\x1by\n", "U+001B"),               # raw control character in the file
    ("description: x\x00y\n", "U+0000"),
])
def test_control_characters_are_refused_with_their_line(tmp_path, raw, char):
    found = load_problems(_write(tmp_path, SET_HEAD + raw))
    assert any(":4" in p and char in p and "control character" in p for p in found), found
    assert not any("\x1b" in p or "\x9b" in p or "\u202e" in p for p in found)


def test_bytes_that_are_not_utf8_are_a_problem(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(SET_HEAD.encode() + b"description: caf\xe9\n")
    found = load_problems(path)
    assert any("latin.yaml:4" in p and "not UTF-8" in p for p in found), found


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "1e309", "-1e400"])
def test_non_finite_numbers_are_refused(tmp_path, value):
    found = load_problems(_write(tmp_path, SET_HEAD + f"outcomes:\n  recovery_rate: "
                                 f"{value}\n"))
    assert any(":5:" in p and "outcomes.recovery_rate" in p and "finite" in p
               for p in found), found
    assert not any("must be a number" in p for p in found)  # reported once


def test_numbers_are_read_as_yaml_1_2(tmp_path):
    loaded = load(_write(tmp_path, SET_HEAD + "costs:\n  per_person_entering: 65e1\n"
                         "activity:\n  entering_treatment: 6E2\n"))
    assert loaded.spec.costs.per_person_entering.value == 650.0
    assert loaded.spec.activity.entering_treatment.value == [600.0]
    # YAML 1.1 booleans and dates are text under 1.2: a clear problem, not a crash
    found = load_problems(_write(tmp_path, SET_HEAD + "price_year: 2017-04-01\n"
                                 "outcomes:\n  savings_apply_to: yes\n", "b.yaml"))
    assert any("price_year" in p and "'2017-04-01'" in p for p in found), found
    assert any("savings_apply_to" in p and "'yes'" in p for p in found), found


def test_1e12_is_a_number_not_quoted_text(tmp_path):
    found = load_problems(_write(tmp_path, SET_HEAD + "costs:\n  per_person_entering: "
                                 "1e13\n"))
    message = next(p for p in found if "per_person_entering" in p)
    assert "without quotes" not in message and "10000000000000" in message
    assert "1000000000000" in message  # the bound (MAX_MONEY)


# --- files a set names, and the file on the command line ----------------------------

SECRET = "password: hunter2\napi_key: s3cr3t-value\n"


@pytest.mark.parametrize("secret", [
    SECRET,                                      # a mapping without schema_version
    SECRET + "password: again\n",                # ... with a duplicate key
    "password: [hunter2\n",                      # a syntax error
    "- hunter2\n- s3cr3t-value\n",               # a list
    "api_key: !!python/name:os.system s3cr3t-value\n",  # a tag
])
def test_a_named_file_that_is_not_a_set_is_refused_by_name_alone(tmp_path, secret):
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "secret.yaml").write_text(secret, encoding="utf-8")
    path = _write(tmp_path, "schema_version: 1\nname: x\nextends: private/secret.yaml\n")
    found = load_problems(path)
    assert len(found) == 1 and "secret.yaml: not an assumption set" in found[0]
    for leaked in ("hunter2", "s3cr3t", "password", "api_key", ":1", ":2"):
        assert leaked not in found[0]


def test_extends_refuses_files_by_name_and_kind(tmp_path):
    (tmp_path / "notes.txt").write_text("schema_version: 1\n")
    os.mkfifo(tmp_path / "fifo.yaml")
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    (tmp_path / "passwd.yaml").symlink_to("/etc/passwd")
    (tmp_path / "folder.yaml").mkdir()
    expected = {"notes.txt": "no bundled set", "fifo.yaml": "named pipe (FIFO)",
                "zero.yaml": "does not end in .yaml", "passwd.yaml": "does not end in .yaml",
                "folder.yaml": "is a folder", "/etc/passwd": "no bundled set"}
    for ref, message in expected.items():
        _write(tmp_path, f"schema_version: 1\nname: x\nextends: {ref}\n", "s.yaml")
        result = run_modeller("validate", "s.yaml", cwd=tmp_path, timeout=60)
        assert result.returncode == 2, (ref, result.stderr)
        assert message in result.stderr, (ref, result.stderr)
        assert "root:" not in result.stderr
    assert (tmp_path / "fifo.yaml").is_fifo()


@pytest.mark.parametrize("make", ["fifo", "dev-zero", "dev-null", "folder", "missing"])
def test_the_command_line_file_gets_the_same_rules(tmp_path, make):
    target = tmp_path / "set.yaml"
    if make == "fifo":
        os.mkfifo(target)
    elif make == "dev-zero":
        target.symlink_to("/dev/zero")
    elif make == "dev-null":
        target = Path("/dev/null")
    elif make == "folder":
        target.mkdir()
    result = run_modeller("validate", str(target), cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert str(target) in result.stderr and "Traceback" not in result.stderr
    if make == "fifo":
        assert target.is_fifo()


def test_evidence_folders_refuse_what_is_not_evidence(tmp_path):
    folder = tmp_path / "local"
    folder.mkdir()
    (folder / "secret.yaml").write_text(SECRET)
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    path = extending(tmp_path, "national-faq-2017", """\
        evidence_library: [local]
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: faq-table1-copd-howard}
        """)
    result = run_modeller("validate", str(path), cwd=tmp_path, timeout=60)
    assert result.returncode == 2
    assert "secret.yaml: not an evidence file" in result.stderr
    assert "pipe.yaml: is a named pipe" in result.stderr
    assert "zero.yaml: is a device" in result.stderr
    assert "hunter2" not in result.stderr and "password" not in result.stderr


def test_evidence_folder_file_count_is_limited(tmp_path):
    folder = tmp_path / "local"
    folder.mkdir()
    for i in range(limits.MAX_EVIDENCE_FILES + 1):
        (folder / f"r{i}.yaml").write_text("records: []\n")
    path = extending(tmp_path, "national-faq-2017", """\
        evidence_library: [local]
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: faq-table1-copd-howard}
        """)
    assert any("MAX_EVIDENCE_FILES" in p for p in load_problems(path))


# --- uploads (the web app's loader) -----------------------------------------------------

def test_uploads_may_extend_bundled_sets_by_name_only(tmp_path):
    (tmp_path / "base.yaml").write_text((tmp_path / "x").as_posix())
    for ref in ("base.yaml", "../../etc/passwd.yaml", "/etc/x.yaml"):
        with pytest.raises(AssumptionsError) as err:
            load_text(f"schema_version: 1\nname: up\nextends: {ref}\n", "up.yaml")
        assert "bundled set by name only" in str(err.value)
    assert load_text("schema_version: 1\nname: up\nextends: scenarios/optimistic\n"
                     ).spec.name == "up"
    with pytest.raises(AssumptionsError, match="not a bundled set"):
        load(str(tmp_path / "base.yaml"), bundled_only=True)


def test_uploads_cannot_name_evidence_folders(tmp_path):
    with pytest.raises(AssumptionsError, match="cannot name local evidence folders"):
        load_text(SET_HEAD + "evidence_library: [/etc]\n")


def test_uploads_have_a_size_limit_and_every_reading_limit():
    with pytest.raises(AssumptionsError, match="MAX_UPLOAD_BYTES"):
        load_text(SET_HEAD + "#" + "a" * limits.MAX_UPLOAD_BYTES)
    for text, word in ((_alias_bomb(), "MAX_NODES"), ("schema_version: 1\nx: " + "[" * 5000, "MAX_DEPTH"),
                       (SET_HEAD + "name: !!binary eA==\n", "tags"),
                       (SET_HEAD + "description: \"\\ud800\"\n", "U\\+D800")):
        with pytest.raises(AssumptionsError, match=word):
            load_text(text)


# --- values -------------------------------------------------------------------------------

@pytest.mark.parametrize("value, words", [
    ("true", ["schema_version", "whole number 1"]),
    ("1.0", ["schema_version", "whole number 1"]),
    ("'1'", ["schema_version", "whole number 1"]),
    ("2", ["schema_version"]),
])
def test_schema_version_is_exactly_the_integer_1(tmp_path, value, words):
    text = SET_HEAD.replace("schema_version: 1", f"schema_version: {value}")
    found = load_problems(_write(tmp_path, text))
    assert any(all(w in p for w in words) for p in found), found


@pytest.mark.parametrize("body, words", [
    ("costs:\n  per_person_entering: {value: 650, range: [700, 600]}\n",
     ["not ordered"]),
    ("costs:\n  per_person_entering: {value: 650, range: [660, 700]}\n",
     ["does not contain the value 650"]),
    ("costs:\n  per_person_entering: 1e308\n", ["1000000000000"]),
    ("activity:\n  entering_treatment: 1e9\n", ["100000000"]),
    ("description: " + "d" * (limits.MAX_DESCRIPTION_CHARS + 1) + "\n",
     ["description", str(limits.MAX_DESCRIPTION_CHARS)]),
    ("conditions:\n  all_ltc_mus:\n    label: " + "L" * (limits.MAX_LABEL_CHARS + 1) + "\n",
     ["label", str(limits.MAX_LABEL_CHARS)]),
    ("conditions:\n" + "".join(f"  c{i}: {{label: c, share: 0.0, annual_saving: 1}}\n"
                               for i in range(limits.MAX_CONDITIONS + 1)),
     ["conditions", str(limits.MAX_CONDITIONS)]),
    ("outcomes:\n  recovery_rate: {value: 0.5, distribution: {type: gamma, mean: 1e-9, "
     "sd: 1}}\n", ["MAX_CV"]),
])
def test_values_out_of_bounds_are_refused(tmp_path, body, words):
    found = load_problems(_write(tmp_path, SET_HEAD + body))
    assert any(all(w in p for w in words) for p in found), found


@pytest.mark.parametrize("name", ["..", "~", "''", "'---'", "' x'", "'" + "n" * 81 + "'"])
def test_a_name_that_cannot_make_a_folder_is_a_validation_error(tmp_path, name):
    found = load_problems(_write(tmp_path, SET_HEAD.replace("name: x", f"name: {name}")))
    assert any(" name:" in p for p in found), found


def test_mixed_key_price_index_loads_and_hashes(tmp_path):
    body = textwrap.dedent("""\
        conversion:
          price_index:
            name: HCHS pay and prices index
            source: PSSRU (2019), Unit Costs of Health and Social Care
            values: {2007: 100.0, "2010/11": 108.2, 2017: 121.0}
        """)
    first = load(_write(tmp_path, SET_HEAD + body))
    again = load(_write(tmp_path, SET_HEAD + body, "again.yaml"))
    assert first.hash == again.hash and len(first.hash) == 64
    found = load_problems(_write(tmp_path, SET_HEAD + body.replace(
        '"2010/11": 108.2', '"2007": 108.2'), "dup.yaml"))
    assert any("duplicate key" in p and "2007" in p for p in found), found


def _write(tmp_path: Path, text: str, name: str = "set.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_limit_is_documented_in_security_md():
    text = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text()
    names = [n for n in vars(limits) if n.isupper() and not n.startswith("_")]
    assert names and [n for n in names if n not in text] == []


def test_a_conversion_that_overflows_is_a_problem_not_a_crash(tmp_path):
    path = extending(tmp_path, "national-faq-2017", """\
        price_year: 2020
        conversion:
          price_index:
            name: hostile index
            source: none
            values: {2014: 1e-6, 2020: 1e6}
        conditions:
          all_ltc_mus:
            annual_saving: {evidence: ra-london-rct}
        """)
    result = run_modeller("run", str(path), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "MAX_MONEY" in result.stderr and "annual_saving.evidence" in result.stderr


def test_work_beyond_the_model_cell_limit_is_refused_first(tmp_path):
    import modeller

    s = modeller.loads("schema_version: 1\nname: long\nextends: national-faq-2017-psa\n"
                       "horizon_years: 100\n")
    with pytest.raises(limits.RequestError, match="MAX_MODEL_CELLS"):
        modeller.psa(s, draws=limits.MAX_DRAWS)
    with pytest.raises(limits.RequestError, match="MAX_MODEL_CELLS"):
        modeller.grid(s, {"outcomes.recovery_rate": [0.5] * 10_000,
                          "outcomes.completion_rate": [0.5] * 10})


def test_the_json_schema_states_the_limits():
    from modeller.inputs.schema import AssumptionSet

    doc = AssumptionSet.model_json_schema()
    props = doc["properties"]
    assert props["name"]["maxLength"] == limits.MAX_NAME_CHARS
    assert props["description"]["anyOf"][0]["maxLength"] == limits.MAX_DESCRIPTION_CHARS
    assert props["conditions"]["maxProperties"] == limits.MAX_CONDITIONS
    assert props["schema_version"]["const"] == 1
    assert doc["$defs"]["Condition"]["properties"]["label"]["maxLength"] == \
        limits.MAX_LABEL_CHARS
    assert f'"maximum": {limits.MAX_MONEY!r}'.replace(" ", "") in \
        __import__("json").dumps(doc).replace(" ", "")
