"""The evidence library cites documents as people cite them: every record's ``source`` is
a bibliography reference with a locator, its seed lines sit in ``seed`` (for auditors),
and no text a reader sees names a seed file."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from modeller.inputs import references
from modeller.inputs.evidence import convert, read_library, read_tables
from test_evidence import GOOD

ROOT = Path(__file__).resolve().parent.parent
ASSUMPTIONS = ROOT / "assumptions"
#: Written out here (not taken from the code) so a broken pattern in the code is caught.
SEED_NAME = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")


@pytest.fixture(scope="module")
def library():
    lib, problems = read_library()
    assert problems == [], "\n".join(p.format() for p in problems)
    return lib


def _reader_strings(data, path=""):
    """(path, text) for every string outside the auditors' keys."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k in ("seed", "seed_note"):
                continue
            if k == "evidence" and "bibliography" in path:  # auditors' note on a reference
                continue
            yield from _reader_strings(v, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _reader_strings(v, f"{path}[{i}]")
    elif isinstance(data, str):
        yield path, data


def test_no_reader_facing_field_of_a_bundled_file_names_a_seed_file():
    files = sorted(ASSUMPTIONS.rglob("*.yaml"))
    assert {p.parent.name for p in files} >= {"evidence", "conversion", "scenarios",
                                              "references", "assumptions"}
    leaks, internal, seeds = [], [], 0
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for field, text in _reader_strings(data, str(path.relative_to(ROOT))):
            if SEED_NAME.search(text):
                leaks.append((field, text[:80]))
            if path.parent.name in ("evidence", "conversion") \
                    and "domain brief" in text.lower():
                internal.append(field)
        seeds += len(SEED_NAME.findall(path.read_text(encoding="utf-8")))
    assert not leaks, leaks
    assert not internal, internal
    assert seeds > 100  # the seed lines are still there, for auditors


def test_every_record_source_resolves_to_a_bibliography_entry(library):
    bib = references.bibliography()
    places = []
    for rec in library.records:
        places.append((rec.id, rec.source, rec.seed))
        places += [(f"{rec.id} also_in", p.source, p.seed) for p in rec.also_in]
        if rec.stated_conversion is not None:
            sc = rec.stated_conversion
            places.append((f"{rec.id} stated_conversion", sc.source, sc.seed))
    assert len(places) > 50
    for what, source, seed in places:
        assert seed, what  # every bundled figure keeps its seed lines
        file, lines = seed.split(":")
        holder = references.for_seed(file, int(re.split(r"[-,]", lines)[0]))
        assert holder is not None and holder.id in bib, (what, seed)
        # the source starts with the reference as people cite it, then a locator
        assert source.startswith(holder.cite_as + ", "), (what, source)
        (first, *_) = references.find(source)
        assert first.reference is holder and first.start == 0 and first.locator, what
        assert references.source_problems(source, seed) == [], what


def _cited(data, path=""):
    """(path, source, seed) for every mapping with a ``source`` in parsed YAML."""
    if isinstance(data, dict):
        if isinstance(data.get("source"), str):
            yield path, data["source"], data.get("seed")
        for k, v in data.items():
            yield from _cited(v, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _cited(v, f"{path}[{i}]")


def test_bundled_sets_cite_the_reference_holding_their_seed_lines():
    """The sets' sources pass the same check as the records' (a source without a seed
    may be free text: "The FAQ gives no treatment length ...")."""
    checked = 0
    for path in [*ASSUMPTIONS.glob("*.yaml"), *ASSUMPTIONS.glob("scenarios/*.yaml")]:
        for where, source, seed in _cited(yaml.safe_load(path.read_text(encoding="utf-8"))):
            assert references.source_problems(source, seed) == [], (path.name, where)
            checked += bool(seed)
    assert checked > 30


def test_every_seed_points_inside_its_reference_and_at_real_seed_lines(library):
    seeds = ROOT.parent / "shared" / "seeds"
    for rec in library.records:
        for seed in [rec.seed, *(p.seed for p in rec.also_in),
                     *references.seed_locations(rec.seed_note)]:
            file, lines = seed.split(":")
            text = (seeds / file).read_text(encoding="utf-8").splitlines()
            for part in lines.split(","):
                a, _, b = part.partition("-")
                assert 1 <= int(a) <= int(b or a) <= len(text), (rec.id, seed)


def test_the_converted_angina_figure_names_the_faq_not_a_seed_file(library):
    conv = convert(library.get("angina-brief-intervention"), target_price_year="2010/11")
    step = conv.steps[0].text
    assert "NHS England (2017), IAPT-LTC FAQ, Table 1, Angina row" in step
    assert not SEED_NAME.search(conv.explain())


# --------------------------------------------------------------------------------------
# Records that cite seed files where readers would see them are refused on load
# --------------------------------------------------------------------------------------

#: The minimal local record of test_evidence, citing the FAQ's Table 1 and its seed lines.
RECORD = (GOOD.replace("value: 100", "value: 837").replace('quote: "100"', 'quote: "837"')
          .replace("source: local report p. 3\n",
                   'source: "NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row"\n'
                   '    seed: "000_531557c98ba51688.txt:1002-1012"\n'))


def _problems(tmp_path, text: str) -> dict[str, str]:
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    _, problems = read_library(tmp_path)
    return {p.field: f"{p.line}: {p.message}" for p in problems}


def test_a_record_citing_a_reference_and_its_seed_loads(tmp_path):
    assert _problems(tmp_path, RECORD) == {}


@pytest.mark.parametrize("old, new, field, needle", [
    # the old shape: a seed location as the reader's source
    ('source: "NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row"\n    seed: '
     '"000_531557c98ba51688.txt:1002-1012"',
     'source: "000_531557c98ba51688.txt:1002-1012"', "records[0].source", "16: a seed text location is for auditors"),
    # a locator the bibliography contradicts
    ("Table 1, COPD row", "Table 3, COPD row", "records[0].source", "'Table 1"),
    # no locator at all
    ("FAQ, Table 1, COPD row", "FAQ", "records[0].source", "give a locator"),
    # a reference other than the one holding the seed lines
    ("NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row",
     "NCCMH (2020), IAPT Manual, section 2.2", "records[0].source", "cite it as"),
    # a seed that is not a seed location, or lies outside every reference
    ("txt:1002-1012", "txt", "records[0].seed", "not a seed location"),
    ("000_531557c98ba51688.txt:1002-1012", "009_531557c98ba51688.txt:1002",
     "records[0].seed", "no reference of the bibliography"),
    # a seed file name in text readers see
    ("citation: test", "citation: footnote at 000_531557c98ba51688.txt:1010",
     "records[0].citation", "for auditors"),
    ("quote: \"837\"", "quote: \"837\"\n    caveats: [see 000_531557c98ba51688.txt:52]",
     "records[0].caveats[0]", "for auditors"),
    # also_in in the old shape (a bare seed location) and in the new
    ("quote: \"837\"", "quote: \"837\"\n    also_in: [\"000_531557c98ba51688.txt:52-54\"]",
     "records[0].also_in[0]", "must be a mapping with the keys source, seed"),
    ("quote: \"837\"", "quote: \"837\"\n    also_in: [{source: 'NHS England (2017), "
     "IAPT-LTC FAQ, Table 2', seed: '000_531557c98ba51688.txt:52-54'}]",
     "records[0].also_in[0].source", "section 1"),
    # an auditor's note may hold seed lines, but only ones in the bibliography
    ("quote: \"837\"", "quote: \"837\"\n    seed_note: 'marker at 009_531557c98ba51688.txt:3'",
     "records[0].seed_note", "no reference of the bibliography"),
])
def test_seed_locations_where_readers_see_them_are_refused(tmp_path, old, new, field,
                                                           needle):
    text = RECORD.replace(old, new)
    assert text != RECORD
    found = _problems(tmp_path, text)
    assert field in found and needle in found[field], found


def test_a_local_record_may_cite_its_own_document_without_a_seed(tmp_path):
    text = RECORD.replace('source: "NHS England (2017), IAPT-LTC FAQ, Table 1, COPD row"\n'
                          '    seed: "000_531557c98ba51688.txt:1002-1012"\n',
                          "source: local audit report 2024, page 3\n")
    assert "seed" not in text
    assert _problems(tmp_path, text) == {}


def test_conversion_tables_cite_documents_and_keep_seeds_apart(tmp_path):
    tables, problems = read_tables(ASSUMPTIONS / "conversion" /
                                   "nhs-confed-angina-implied.yaml")
    assert problems == [] and tables.price_index.seed == "000_531557c98ba51688.txt:1018-1020"
    path = tmp_path / "t.yaml"
    path.write_text(textwrap.dedent("""\
        price_index:
          name: x
          source: "000_531557c98ba51688.txt:1018-1020"
          values: {2007: 1337}
        """), encoding="utf-8")
    tables, problems = read_tables(path)
    assert tables is None and "for auditors" in problems[0].message
