"""End to end: Debian's Chromium, driven by Playwright, against ``modeller serve``.

Playwright cannot download its own browser here, so the tests launch the system
Chromium (``./dev/setup`` installs it); without it they fail, they never skip.
"""

from __future__ import annotations

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from conftest import extending
from web_server import start, stop

import modeller

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NPV = '[data-key="totals.npv"]'
RECOVERY = 'input[name="outcomes.recovery_rate"]'


@pytest.fixture(scope="module")
def server():
    proc, _first, address = start("--port", "0")
    yield address
    status, err = stop(proc)
    assert status == 0 and "Traceback" not in err, err


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), f"{CHROMIUM} is missing: run ./dev/setup (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    page.goto(server)
    yield page
    context.close()


def _wait_for_change(page, selector: str, attribute: str, before: str) -> str:
    page.wait_for_function(
        "([sel, attr, old]) => { const e = document.querySelector(sel);"
        " return e && e.getAttribute(attr) !== old; }",
        arg=[selector, attribute, before], timeout=10_000)
    return page.get_attribute(selector, attribute)


def test_changing_the_recovery_rate_gives_the_npv_of_modeller_run(page, tmp_path):
    before = page.get_attribute(NPV, "data-value")
    chart = page.get_attribute("#chart-cumulative img", "src")
    page.locator(RECOVERY).fill("0.41")
    after = _wait_for_change(page, NPV, "data-value", before)

    edited = extending(tmp_path, "national-faq-2017",
                       "outcomes:\n  recovery_rate: 0.41\n")
    out = subprocess.run([sys.executable, "-m", "modeller", "run", str(edited),
                          "--format", "json"], capture_output=True, text=True, check=True)
    assert json.loads(after) == json.loads(out.stdout)["totals"]["npv"]
    assert after != before
    assert page.url.endswith("/")                       # no full reload
    _wait_for_change(page, "#chart-cumulative img", "src", chart)   # the chart follows
    assert "Results updated" in page.inner_text("#status")


def test_a_value_out_of_range_is_shown_beside_its_field(page):
    page.locator(RECOVERY).fill("1.5")
    page.wait_for_selector(".problems-summary")
    assert "outside the allowed values" in page.inner_text("#problem-outcomes-recovery_rate")
    assert page.get_by_role("button", name="Business case (PDF)").is_disabled()
    page.locator(RECOVERY).fill("0.5")
    page.wait_for_selector(NPV)
    assert page.inner_text("#problem-outcomes-recovery_rate") == ""


def test_the_business_case_downloads_as_the_pdf_build_makes(page):
    from pypdf import PdfReader

    before = page.get_attribute(NPV, "data-value")
    page.locator(RECOVERY).fill("0.41")
    _wait_for_change(page, NPV, "data-value", before)
    with page.expect_download() as info:
        page.get_by_role("button", name="Business case (PDF)").click()
    download = info.value
    assert download.suggested_filename == "national-faq-2017-business-case.pdf"
    data = Path(download.path()).read_bytes()
    reader = PdfReader(BytesIO(data))
    assert len(reader.pages) > 1
    assert "NPV" in "".join(p.extract_text() for p in reader.pages[:3])
    edited = modeller.load("national-faq-2017").with_values({"outcomes.recovery_rate": 0.41})
    assert data == modeller.report_pdf("business-case", edited)


def _upload(page, name: str, content: bytes) -> None:
    """Choose a file for the upload form and press Upload, as a person would."""
    page.set_input_files("#upload-file", files=[{"name": name, "buffer": content,
                                                 "mimeType": "application/yaml"}])
    page.get_by_role("button", name="Upload").click()


def test_a_hostile_upload_shows_its_problems_on_the_page(page, server):
    npv = page.get_attribute(NPV, "data-value")
    hostile = (b"schema_version: 1\nextends: ../../../../etc/passwd\nname: x\n"
               b"a: &a [1, 1, 1, 1]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n")
    _upload(page, "hostile.yaml", hostile)
    page.wait_for_selector(".upload-problems")
    text = page.inner_text("#upload-status")
    assert "hostile.yaml was not loaded" in text
    assert "line " in text
    assert "root:" not in text
    assert page.dialogs == []                           # text on the page, not an alert
    assert page.get_attribute(NPV, "data-value") == npv  # the form is unchanged
    page.goto(server)                                   # and the server still serves
    assert page.get_attribute(NPV, "data-value") == npv


def test_a_good_upload_replaces_the_form(page):
    _upload(page, "bad.yaml", b"a: [1\n")
    page.wait_for_selector(".upload-problems")
    text = (b"schema_version: 1\nextends: national-faq-2017\nname: my-area\n"
            b"outcomes:\n  recovery_rate: {value: 0.44, source: local audit}\n")
    _upload(page, "mine.yaml", text)
    page.wait_for_function("document.querySelector('#inputs-heading')"
                           ".textContent.includes('my-area')")
    assert page.locator(RECOVERY).input_value() == "0.44"
    assert page.locator(".upload-problems").count() == 0     # the old problems went
    assert "Loaded mine.yaml" in page.inner_text("#workspace .note")
    expected = modeller.run(modeller.loads(text.decode())).to_dict()["totals"]["npv"]
    assert json.loads(page.get_attribute(NPV, "data-value")) == expected


def test_conditions_can_be_added_with_the_keyboard(page):
    page.get_by_label("Name of a condition to add").focus()
    page.keyboard.type("COPD")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Add condition"
    page.keyboard.press("Enter")
    page.wait_for_selector('input[name="conditions.copd.share"]')
    assert page.get_by_role("button", name="Remove COPD").is_visible()


def test_scenarios_side_by_side(page):
    page.get_by_label("Scenario name").fill("Central")
    page.get_by_role("button", name="Keep as scenario").click()
    page.wait_for_selector("table.compare")
    before = page.get_attribute(NPV, "data-value")
    page.locator(RECOVERY).fill("0.41")
    _wait_for_change(page, NPV, "data-value", before)
    page.get_by_label("Scenario name").fill("Lower recovery")
    page.get_by_role("button", name="Keep as scenario").click()
    page.wait_for_selector("th:has-text('Lower recovery')")
    cells = page.locator('table.compare td[data-key="totals.npv"]')
    assert cells.count() == 2
    assert json.loads(cells.nth(1).get_attribute("data-value")) == \
        json.loads(page.get_attribute(NPV, "data-value"))


def test_no_serious_or_critical_accessibility_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    page.locator(RECOVERY).fill("1.5")       # with a problem shown, too
    page.wait_for_selector(".problems-summary")
    results = Axe().run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert len(results.response["passes"]) > 10          # axe really looked at the page
    assert page.locator("[aria-live]").count() >= 1


# --- regressions found by the outside check of issue 14 ---------------------------------

def test_a_download_the_server_refuses_says_why_and_keeps_the_page(page, server):
    """A refused download (here: inputs with problems, the buttons forced on) used to
    replace the page with the server's message, losing every edit."""
    page.locator('input[name="costs.per_person_entering"]').fill("700")
    page.evaluate("document.activeElement.blur()")      # its change event, now
    page.wait_for_function("document.querySelector('#status').textContent.includes('£')")
    page.wait_for_load_state("networkidle")
    page.evaluate("""() => {
        const i = document.querySelector('input[name="outcomes.recovery_rate"]');
        i.type = 'text'; i.value = 'lots';              // no input event: no update
        document.querySelectorAll('#downloads button').forEach(b => b.disabled = false);
    }""")
    page.get_by_role("button", name="Results (JSON)").click()
    page.wait_for_function("document.querySelector('#download-note').textContent.length > 0")
    assert "Results (JSON) was not made: The inputs have problems" in \
        page.inner_text("#download-note")
    assert page.url == server and page.dialogs == []
    assert page.locator('input[name="costs.per_person_entering"]').input_value() == "700"


def test_downloads_are_saved_with_the_servers_file_name(page):
    with page.expect_download() as info:
        page.get_by_role("button", name="Results (JSON)").click()
    download = info.value
    assert download.suggested_filename == "national-faq-2017-results.json"
    got = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert got["totals"]["npv"] == json.loads(page.get_attribute(NPV, "data-value"))
    page.wait_for_function("document.querySelector('#status').textContent.includes('saved')")


def test_a_file_over_the_upload_limit_is_refused_on_the_page(page):
    npv = page.get_attribute(NPV, "data-value")
    _upload(page, "huge.yaml", b"# " + b"x" * (2 * 1024 * 1024))
    page.wait_for_selector("#upload-status .problem", timeout=10_000)
    assert "huge.yaml was not loaded: the file is larger than 256 KiB" in \
        page.inner_text("#upload-status")
    assert page.dialogs == [] and page.get_attribute(NPV, "data-value") == npv


def test_the_figures_stay_in_view_while_the_inputs_scroll(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(server)
    page.locator('input[name="benefit_duration.components[2].months"]').scroll_into_view_if_needed()
    assert page.evaluate("window.scrollY") > 900          # the inputs did scroll
    box = page.locator(NPV).bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= 900
    context.close()


def test_on_a_narrow_screen_the_npv_stays_in_view(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server)
    assert page.inner_text("#status").startswith("NPV −")
    page.locator(RECOVERY).scroll_into_view_if_needed()
    page.locator(RECOVERY).fill("0.41")
    page.wait_for_function("document.querySelector('#status').textContent.includes('updated')")
    assert page.evaluate("window.scrollY") > 844
    box = page.locator("#status").bounding_box()
    assert box is not None and 0 <= box["y"] < 844
    context.close()
