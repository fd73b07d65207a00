"""The PDF reports (modeller.outputs.reports): figures, page counts, safety, determinism.

Every bundle here is built from a real model run (``modeller.model.run``) of the bundled
sets, so the figures checked in the PDFs are the JSON contract's figures after display
rounding. The national set reproduces the FAQ's per-person arithmetic: 30% of people
entering recover (000_531557c98ba51688.txt:1392-1396), £1,000 a year for 26.5 months
(000_531557c98ba51688.txt:1271-1273, 1333) gives £662.50 per person entering against a
cost of £650 (001_310680aaedf11e68.txt:98): net £12.50, payback 26.0 months.

Each report is rendered once per module (renders take seconds); the tests read the
rendered bytes.
"""

from __future__ import annotations

import copy
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pypdf = pytest.importorskip("pypdf")

from modeller.outputs.reports import (  # noqa: E402
    KINDS,
    ReportError,
    pdf_bytes,
    render_html,
    render_pdf,
    templates_dir,
)
from modeller.outputs.reports import content  # noqa: E402
from modeller.outputs.reports import formatting as fmt  # noqa: E402
from modeller.outputs.reports.bundle import assumption_rows, make_bundle  # noqa: E402
from modeller.outputs.reports.context import headline  # noqa: E402
from modeller.outputs.reports.fetcher import PackageFetcher, RefusedURL  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ASSUMPTIONS = ROOT / "assumptions"
SEEDS = ROOT.parent / "shared" / "seeds"
HOSTILE = "<img src=http://x>"


# --- bundles and renders ----------------------------------------------------------------

def _run(path: Path) -> tuple[object, dict]:
    from modeller import model
    from modeller.inputs.loader import load

    loaded = load(path)
    return loaded, model.run(loaded).to_dict()


@pytest.fixture(scope="module")
def national() -> dict:
    """The national FAQ set, compared with its optimistic and pessimistic scenarios."""
    loaded, results = _run(ASSUMPTIONS / "national-faq-2017.yaml")
    scenarios = [results] + [_run(p)[1] for p in sorted((ASSUMPTIONS / "scenarios").glob("*.yaml"))]
    return make_bundle(loaded, results, scenarios)


@pytest.fixture(scope="module")
def example() -> dict:
    """The example area: five conditions, budget holders, ten warnings."""
    loaded, results = _run(ASSUMPTIONS / "example-area.yaml")
    return make_bundle(loaded, results)


@pytest.fixture(scope="module")
def national_pdfs(national, tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("reports") / "not" / "yet" / "there"
    return {kind: render_pdf(kind, national, out / f"{kind}.pdf") for kind in KINDS}


@pytest.fixture(scope="module")
def texts(national_pdfs) -> dict[str, str]:
    """The extracted text of each national report (extraction is slow: do it once)."""
    return {kind: _text(path) for kind, path in national_pdfs.items()}


def _reader(data_or_path) -> "pypdf.PdfReader":
    if isinstance(data_or_path, Path):
        data_or_path = data_or_path.read_bytes()
    return pypdf.PdfReader(io.BytesIO(data_or_path))


def _text(data_or_path) -> str:
    """All text of a PDF, whitespace collapsed (a line break after a hyphen removed)."""
    text = " ".join(page.extract_text() or "" for page in _reader(data_or_path).pages)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(\w)- (\w)", r"\1-\2", text)


def _plain(figure: str) -> str:
    """A formatted figure as it reads in extracted text (no U+2060 word joiner)."""
    return figure.replace("\u2060", "")


# --- display formatting -----------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    (662.5, "£663"), (12.5, "£13"), (650.0, "£650"), (1_950_000, "£1,950,000"),
    (-418_125.0, "\u2212\u2060£418,125"), (0.004, "£0"), (2166.6667, "£2,167"), (0.5, "£1"),
])
def test_money(value, expected):
    """Tables print whole pounds; pence are for per-person unit figures only."""
    assert fmt.money(value) == expected


@pytest.mark.parametrize("value, expected", [
    (1_950_000, "£1.95m"), (1_531_875, "£1.53m"), (-415_637.69, "\u2212\u2060£416k"),
    (390_000, "£390k"), (999_500, "£1.00m"), (9_999.0, "£9,999"), (12.5, "£13"),
])
def test_money_short(value, expected):
    """(Below £10,000 headline style falls back to whole pounds.)"""
    assert fmt.money_short(value) == expected


@pytest.mark.parametrize("value, expected", [
    (662.5, "£662.50"), (650.0, "£650.00"), (-221.5625, "\u2212\u2060£221.56"),
    (1000, "£1,000.00"),
])
def test_money_per_person_has_pence(value, expected):
    assert fmt.money_pp(value) == expected


def test_percent_months_people_ratio():
    assert fmt.percent(0.3) == "30%"
    assert fmt.percent(0.305) == "30.5%"
    assert fmt.percent(-0.2144) == "−21.4%"
    assert fmt.months(26.0) == "26.0 months"
    assert fmt.months(None, missing="never") == "never"
    assert fmt.months(3, whole=True) == "3 months"
    assert fmt.people(2882.9999999) == "2,883"
    assert fmt.per_pound(0.7855769) == "£0.79"
    assert fmt.price_year(None) == "price year not stated in the source"


# --- figures in the PDFs ----------------------------------------------------------------

def test_headline_figures_equal_results(national, texts):
    """The headline figures printed equal the run's JSON after display rounding."""
    r = national["results"]
    t, pp = r["totals"], r["per_person_entering"]
    hl = headline(r, "NHS healthcare perspective")
    board, case, logic = texts["board-summary"], texts["business-case"], texts["logic-model"]

    for figure in (fmt.money_short(t["cost"]), fmt.money_short(t["gross_savings_within_horizon"]),
                   fmt.money_short(t["npv"]), fmt.per_pound(t["benefit_cost_ratio"]),
                   hl["break_even"], hl["payback"], fmt.money(t["cost"])):
        assert _plain(figure) in board, figure
    for figure in (fmt.money(t["cost"]), fmt.money(t["gross_savings_within_horizon"]),
                   fmt.money(t["net_within_horizon"]), fmt.money(t["npv"]),
                   fmt.percent(t["roi"]), fmt.money_pp(t["cost_per_recovery"]),
                   fmt.money(t["gross_savings_beyond_horizon"]), fmt.money(t["net_lifetime"]),
                   fmt.people(t["entering"]), fmt.people(t["recovered"])):
        assert _plain(figure) in case, figure
    for row in r["by_year"]:
        for key in ("cost", "gross_savings", "net", "cumulative_net", "discounted_net"):
            assert _plain(fmt.money(row[key])) in case, (row["year"], key)
        assert fmt.number(row["discount_factor"], 4) in case
    for figure in (fmt.money(t["cost"]), fmt.money(t["gross_savings_within_horizon"]),
                   fmt.money(t["npv"]), fmt.people(t["entering"])):
        assert _plain(figure) in logic, figure

    # The FAQ's own per-person figures (000_531557c98ba51688.txt:1392-1396, 1333;
    # 001_310680aaedf11e68.txt:98), independently of the formatter.
    assert pp["gross_saving"] == pytest.approx(662.5)
    for figure in ("30%", "£662.50", "£650.00", "£12.50", "26.0 months"):
        assert figure in case, figure


def test_conventions_perspective_price_year_and_warnings(national, texts):
    r = national["results"]
    ratio = (f"{fmt.per_pound(r['totals']['benefit_cost_ratio'])} saved per £1 over "
             f"{r['horizon_years']} years in present values, NHS healthcare perspective")
    for kind, text in texts.items():
        assert "Green Book" in text, kind
        assert "price year not stated in the source" in text, kind
        assert _plain(ratio) in text, kind
        assert "26.5 months but its components" in text, kind  # the FAQ's 26.5 vs 27
    case = texts["business-case"]
    for warning in r["warnings"]:
        assert re.sub(r"\s+", " ", warning)[:60] in case
    assert r["hash"][:32] in case.replace(" ", "")
    assert "for local completion" in case.lower()
    for heading in ("Strategic case", "Economic case", "Commercial case", "Financial case",
                    "Management case", "Risks", "Benefits realisation plan",
                    "Scenarios compared", "Evidence base"):
        assert heading in case, heading


def test_chart_text_is_extractable(texts):
    """Charts are SVG with real text (<text> in the report font), not outlines."""
    case = texts["business-case"]
    for label in ("Of 100 people entering treatment", "What they cost and save",
                  "Months from the start of the service", "Cumulative gross savings",
                  "Enter treatment", "Recover", "national-faq-2017-optimistic"):
        assert label in case, label
    assert "Months from the start of the service" in texts["board-summary"]


def test_one_page_reports(national_pdfs, example):
    assert len(_reader(national_pdfs["logic-model"]).pages) == 1
    assert len(_reader(national_pdfs["board-summary"]).pages) == 1
    assert len(_reader(national_pdfs["business-case"]).pages) > 8
    # The example area has five conditions and ten warnings: still one page each.
    for kind in ("logic-model", "board-summary"):
        data = pdf_bytes(kind, example)
        assert len(_reader(data).pages) == 1, kind
        assert "more in the business case appendix" in _text(data)


def test_logic_model_is_landscape(national_pdfs):
    box = _reader(national_pdfs["logic-model"]).pages[0].mediabox
    assert float(box.width) > float(box.height)


def test_accessibility_metadata(national_pdfs):
    for kind, path in national_pdfs.items():
        reader = _reader(path)
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en-GB"
        assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
        assert reader.metadata.title.startswith("IAPT-LTC ")
        xmp = root["/Metadata"].get_object().get_data()
        assert b'pdfuaid:part="1"' in xmp
        fonts = {f.get_object()["/BaseFont"].split("+")[-1]
                 for page in reader.pages
                 for f in (page["/Resources"].get("/Font") or {}).values()}
        assert fonts <= {"DejaVu-Sans", "DejaVu-Sans-Bold"}, fonts


def test_every_table_header_has_scope_and_every_image_alt(national):
    for kind in KINDS:
        html = render_html(kind, national)
        assert re.findall(r"<th(?=[\s>])(?![^>]*\bscope=)[^>]*>", html) == [], kind
        assert re.findall(r"<img(?![^>]*\balt=\"[^\"]+\")[^>]*>", html) == [], kind


# --- safety -----------------------------------------------------------------------------

def test_hostile_text_is_escaped_and_fetches_nothing(national):
    bundle = copy.deepcopy(national)
    r = bundle["results"]
    r["name"] = HOSTILE
    r["by_condition"][0]["label"] = HOSTILE
    r["cost_lines"][0]["label"] = HOSTILE
    bundle["description"] = HOSTILE
    bundle["assumption_rows"][0]["source"] = HOSTILE
    for kind in KINDS:
        assert HOSTILE not in render_html(kind, bundle)
        assert "&lt;img src=http://x&gt;" in render_html(kind, bundle)
    fetcher = PackageFetcher(templates_dir())
    data = pdf_bytes("board-summary", bundle, fetcher=fetcher)
    assert fetcher.refused == []
    assert set(fetcher.served) <= {"report.css", "fonts/DejaVuSans.ttf",
                                   "fonts/DejaVuSans-Bold.ttf"}
    assert HOSTILE in _text(data)  # printed as text, in the heading and running header


def test_fetcher_serves_only_the_templates_directory(tmp_path):
    root = templates_dir()
    fetcher = PackageFetcher(root)
    assert fetcher.fetch((root / "report.css").as_uri()).read().startswith(b"/*")
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in ("http://x", "https://example.org/a.png", "ftp://x/y", outside.as_uri(),
                "file:///etc/passwd", (root / "fonts" / ".." / ".." / "pyproject.toml").as_uri(),
                "file://remotehost" + str(root / "report.css")):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 7


def test_a_refused_resource_stops_the_render():
    import weasyprint
    from weasyprint.urls import FatalURLFetchingError

    fetcher = PackageFetcher(templates_dir())
    html = '<html lang="en-GB"><title>t</title><p>x<img src="http://x/y.png" alt="y"></p>'
    with pytest.raises(FatalURLFetchingError):
        weasyprint.HTML(string=html, url_fetcher=fetcher).write_pdf()
    assert fetcher.refused == ["http://x/y.png"]


# --- writing ----------------------------------------------------------------------------

def test_missing_output_directory_is_created(national_pdfs):
    path = national_pdfs["board-summary"]
    assert path.is_file() and path.parent.name == "there"
    assert path.read_bytes().startswith(b"%PDF-1.7")
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_failed_render_leaves_existing_report_intact(national, tmp_path):
    target = tmp_path / "board-summary.pdf"
    target.write_bytes(b"the old report")
    broken = copy.deepcopy(national)
    del broken["results"]["totals"]["npv"]
    with pytest.raises(KeyError):
        render_pdf("board-summary", broken, target)
    assert target.read_bytes() == b"the old report"
    with pytest.raises(ValueError):
        render_pdf("no-such-report", national, target)
    assert target.read_bytes() == b"the old report"
    assert [p.name for p in tmp_path.iterdir()] == ["board-summary.pdf"]


def test_refused_resource_fails_the_render_and_keeps_the_old_file(national, tmp_path):
    """A fetcher that refuses even the stylesheet stops WeasyPrint: ReportError, old file
    intact, no temporary file left behind."""

    class RefuseAll(PackageFetcher):
        def fetch(self, url, headers=None):
            raise self._refuse(url, "test")

    target = tmp_path / "board-summary.pdf"
    target.write_bytes(b"the old report")
    fetcher = RefuseAll(templates_dir())
    with pytest.raises(ReportError):
        render_pdf("board-summary", national, target, fetcher=fetcher)
    assert fetcher.refused and fetcher.refused[0].endswith("report.css")
    assert target.read_bytes() == b"the old report"
    assert [p.name for p in tmp_path.iterdir()] == ["board-summary.pdf"]


def test_replacement_is_atomic(national, tmp_path, monkeypatch):
    """A failure while writing (after rendering) keeps the old file and no temp file."""
    import modeller.outputs.reports.pdf as render

    target = tmp_path / "logic-model.pdf"
    target.write_bytes(b"old")

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(render.os, "replace", fail)
    monkeypatch.setattr(render, "pdf_bytes", lambda *a, **k: b"%PDF-new")
    with pytest.raises(OSError):
        render.render_pdf("logic-model", national, target)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["logic-model.pdf"]


def test_byte_identical_across_processes(national, national_pdfs):
    """Same inputs, another Python process: the same bytes (no clock, fixed SVG ids)."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from modeller import model\n"
        "from modeller.inputs.loader import load\n"
        "from modeller.outputs.reports import render_pdf\n"
        "from modeller.outputs.reports.bundle import make_bundle\n"
        "root = Path(sys.argv[1])\n"
        "runs = [load(root / 'national-faq-2017.yaml')]\n"
        "runs += [load(p) for p in sorted((root / 'scenarios').glob('*.yaml'))]\n"
        "results = [model.run(x).to_dict() for x in runs]\n"
        "render_pdf('business-case', make_bundle(runs[0], results[0], results), sys.argv[2])\n"
    )
    out = national_pdfs["business-case"].parent / "again.pdf"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("SOURCE_DATE_EPOCH", None)
    subprocess.run([sys.executable, "-c", script, str(ASSUMPTIONS), str(out)], check=True,
                   env=env, cwd=ROOT, timeout=120)
    assert out.read_bytes() == national_pdfs["business-case"].read_bytes()


def test_environment_restored_after_render(national, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "42")
    pdf_bytes("logic-model", national)
    assert os.environ["SOURCE_DATE_EPOCH"] == "42"


# --- content ----------------------------------------------------------------------------

def _normalise(text: str) -> str:
    text = text.replace("\u00a0", " ").replace(" [sic]", "")
    text = re.sub(r"-[ \t]*\n\s*", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents not available")
def test_every_quotation_is_in_the_cited_lines():
    for quote in content.all_quotes():
        file, lines = quote["cite"].rsplit(":", 1)
        first, _, last = lines.partition("-")
        text = (SEEDS / file).read_text(encoding="utf-8").splitlines()
        cited = _normalise("\n".join(text[int(first) - 1:int(last or first)]))
        position = 0
        for part in quote["text"].split("…"):
            found = cited.find(_normalise(part), position)
            assert found >= 0, (quote["cite"], part)
            position = found + len(_normalise(part))


def test_assumption_rows_cover_the_set(national):
    rows = national["assumption_rows"]
    fields = {row["field"]: row for row in rows}
    assert fields["outcomes.recovery_rate"]["value"] == "0.5"
    assert fields["outcomes.recovery_rate"]["source"].startswith(
        "NHS England (2017), IAPT-LTC FAQ, Table 3")
    assert fields["costs.per_person_entering"]["unit"] == "GBP"
    assert fields["price_year"]["value"] == "not stated"
    assert "discount_rate" in fields  # the Green Book default is listed too
    from modeller.inputs.loader import load
    assert assumption_rows(load(ASSUMPTIONS / "national-faq-2017.yaml")) == rows


def test_importing_reports_does_not_load_weasyprint_or_pandas():
    code = ("import sys, modeller.outputs.reports, modeller.cli\n"
            "print(sorted(m for m in ('weasyprint', 'jinja2', 'pandas', 'numpy')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.strip()
    assert out == "[]"
