"""Routes of the web app (``modeller serve``) through Starlette's test client."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from starlette.testclient import TestClient

import modeller
from modeller.web import state, upload
from modeller.web.app import create_app
from modeller.web.downloads import DOWNLOADS

NATIONAL = "national-faq-2017"


@pytest.fixture(scope="module")
def national():
    return modeller.load(NATIONAL)


@pytest.fixture()
def client(national):
    with TestClient(create_app(national), base_url="http://127.0.0.1") as c:
        yield c


def form(s, **values) -> dict:
    """A submission: the base hash plus every input at its value, some changed."""
    data = {"_base": s.hash}
    data.update({i.key: repr(float(i.value)) for i in s.inputs()})
    data.update({k.replace("__", "."): str(v) for k, v in values.items()})
    return data


def figure(html: str, key: str) -> str:
    found = re.findall(rf'data-key="{re.escape(key)}" data-value="([^"]*)"', html)
    assert found, f"no {key} in the page"
    return found[0]


def problem(html: str, key: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", key).strip("-")
    found = re.findall(rf'id="problem-{re.escape(slug)}"[^>]*>([^<]*)<', html)
    assert found, f"no problem slot for {key}"
    return found[0]


def test_page_has_one_labelled_input_per_number_in_the_sets_units(client, national):
    html = client.get("/").text
    for inp in national.inputs():
        slug = re.sub(r"[^A-Za-z0-9_-]+", "-", inp.key).strip("-")
        tag = re.search(rf'<input id="in-{re.escape(slug)}" name="{re.escape(inp.key)}"'
                        r'[^>]*>', html, re.S)
        assert tag, inp.key
        assert f'<label for="in-{slug}">' in html
        assert f'min="' in tag.group(0)
        if inp.maximum is not None:
            assert 'max="' in tag.group(0)
    rate = re.search(r'name="outcomes.recovery_rate"[^>]*value="([^"]+)"', html, re.S)
    assert rate.group(1) == "0.5"          # a rate in the set's own units, not 50
    for legend in ("Activity", "Outcomes", "Conditions (case mix)", "Costs"):
        assert f"<legend>{legend}</legend>" in html
    assert figure(html, "totals.npv") == json.dumps(
        modeller.run(national).to_dict()["totals"]["npv"])


def test_posting_the_page_shows_the_submitted_values(client, national):
    html = client.post("/", data=form(national, outcomes__recovery_rate=0.41)).text
    assert re.search(r'name="outcomes.recovery_rate"[^>]*value="0.41"', html, re.S)
    assert figure(html, "totals.npv") == json.dumps(modeller.run(national.with_values(
        {"outcomes.recovery_rate": 0.41})).to_dict()["totals"]["npv"])


def test_page_loads_nothing_from_another_host(client):
    response = client.get("/")
    assert not re.search(r'(src|href)="(https?:)?//', response.text)
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert client.get("/static/htmx.min.js").status_code == 200


def test_changed_input_gives_the_same_npv_as_run(client, national):
    response = client.post("/results", data=form(national, outcomes__recovery_rate=0.41))
    assert response.status_code == 200
    assert response.headers["hx-trigger"] == "modeller:results"
    expected = modeller.run(national.with_values({"outcomes.recovery_rate": 0.41}))
    assert figure(response.text, "totals.npv") == json.dumps(expected.to_dict()["totals"]["npv"])
    assert json.loads(figure(response.text, "totals.break_even_month")) == \
        expected.to_dict()["totals"]["break_even_month"]


def test_out_of_range_and_non_numbers_are_shown_beside_their_fields(client, national):
    response = client.post("/results", data=form(
        national, outcomes__recovery_rate=1.5, costs__per_person_entering="lots",
        horizon_years=2.5))
    html = response.text
    assert "outside the allowed values (from 0 to 1)" in problem(html, "outcomes.recovery_rate")
    assert "must be a number" in problem(html, "costs.per_person_entering")
    assert "whole number" in problem(html, "horizon_years")
    assert problem(html, "outcomes.completion_rate") == ""
    assert "data-key=" not in html          # no stale figures
    assert "charts are of the last inputs without problems" in html
    assert "hx-trigger" not in response.headers
    assert re.search(r'formaction="/download/business-case"[^>]*disabled', html)


def test_set_level_problem_goes_to_its_group(client, national):
    html = client.post("/results", data=form(
        national, conditions__all_ltc_mus__share=0.5)).text
    box = re.search(r'id="group-problems-conditions-case-mix"[^>]*>(.*?)</div>', html, re.S)
    assert "sum to 1" in box.group(1)


def test_unknown_base_asks_for_a_reload(client, national):
    response = client.post("/results", data={"_base": "0" * 64})
    assert response.status_code == 409
    assert "Reload the page" in response.text


def test_charts_are_the_report_svg(client, national):
    response = client.post("/charts", data=form(national, outcomes__recovery_rate=0.41))
    assert response.status_code == 200
    assert response.text.count('src="data:image/svg+xml;base64,') == 2
    assert 'id="chart-cumulative"' in response.text and 'id="chart-tornado"' in response.text


@pytest.mark.parametrize("kind", ["business-case", "board-summary", "logic-model"])
def test_pdf_downloads_are_what_build_makes(client, national, kind):
    edited = national.with_values({"outcomes.recovery_rate": 0.41})
    response = client.post(f"/download/{kind}", data=form(national, outcomes__recovery_rate=0.41))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == \
        f'attachment; filename="national-faq-2017-{kind}.pdf"'
    assert response.content == modeller.report_pdf(kind, edited)


def test_pdfs_equal_modeller_build_of_the_downloaded_yaml(client, national, tmp_path):
    data = form(national, outcomes__recovery_rate=0.41)
    yaml_file = tmp_path / "downloaded.yaml"
    yaml_file.write_bytes(client.post("/download/yaml", data=data).content)
    subprocess.run([sys.executable, "-m", "modeller", "build", str(yaml_file), "--out-dir",
                    str(tmp_path / "out")], check=True, capture_output=True, timeout=300)
    for kind in ("business-case", "board-summary", "logic-model"):
        built = (tmp_path / "out" / "national-faq-2017" / f"{kind}.pdf").read_bytes()
        assert client.post(f"/download/{kind}", data=data).content == built, kind


def test_yaml_download_reloads_with_the_same_hash(client, national):
    response = client.post("/download/yaml", data=form(national, outcomes__recovery_rate=0.41))
    assert response.headers["content-disposition"].startswith("attachment;")
    edited = national.with_values({"outcomes.recovery_rate": 0.41})
    assert modeller.loads(response.text).hash == edited.hash != national.hash


def test_json_download_is_the_run_contract(client, national):
    response = client.post("/download/json", data=form(national, outcomes__recovery_rate=0.41))
    edited = national.with_values({"outcomes.recovery_rate": 0.41})
    assert json.loads(response.text) == json.loads(json.dumps(modeller.run(edited).to_dict()))


def test_workbook_download(client, national):
    response = client.post("/download/workbook", data=form(national, outcomes__recovery_rate=0.41))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == \
        'attachment; filename="national-faq-2017-workbook.xlsx"'
    assert response.content[:2] == b"PK"


def test_download_labels_and_refusals(client, national):
    html = client.get("/").text
    for d in DOWNLOADS.values():
        assert f">{d.label}</button>" in html
    bad = client.post("/download/yaml", data=form(national, outcomes__recovery_rate=7))
    assert bad.status_code == 422
    assert client.post("/download/nothing", data=form(national)).status_code == 404


def _upload(client, content: bytes, name: str = "mine.yaml"):
    return client.post("/upload", files={"file": (name, content, "application/yaml")})


def test_upload_replaces_the_form(client, national):
    text = ("schema_version: 1\nextends: national-faq-2017\nname: my-area\n"
            "outcomes:\n  recovery_rate: {value: 0.44, source: local audit}\n")
    response = _upload(client, text.encode())
    assert response.headers["hx-retarget"] == "#workspace"
    uploaded = modeller.loads(text)
    assert f'value="{uploaded.hash}"' in response.text
    assert re.search(r'name="outcomes.recovery_rate"[^>]*value="0.44"', response.text, re.S)
    assert figure(response.text, "totals.npv") == json.dumps(
        modeller.run(uploaded).to_dict()["totals"]["npv"])
    # the uploaded set is now a base the form can edit
    again = client.post("/results", data=form(uploaded, outcomes__recovery_rate=0.45))
    assert figure(again.text, "totals.npv") == json.dumps(modeller.run(
        uploaded.with_values({"outcomes.recovery_rate": 0.45})).to_dict()["totals"]["npv"])


@pytest.mark.parametrize("content, expected", [
    (b"schema_version: 1\nname: x\noutcomes: [1, 2\n", "line "),
    (b"schema_version: 1\nextends: /etc/passwd\nname: x\n", "line 2"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
    (b"", "empty"),
    (b"schema_version: 1\na: " + b"[" * 5000 + b"]" * 5000 + b"\n",
     "nested more than 32 levels deep"),
    (b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n", "not an assumption set"),
])
def test_bad_uploads_show_their_problems_as_text(client, content, expected):
    response = _upload(client, content)
    assert response.status_code == 200
    assert "hx-retarget" not in response.headers
    assert "was not loaded" in response.text or "empty" in response.text
    assert expected in response.text
    assert "root:" not in response.text
    assert client.get("/").status_code == 200     # still serving


def test_an_upload_that_takes_too_long_is_stopped(client):
    bomb, prev = "schema_version: 1\na: &a ['x','x','x','x','x','x','x','x','x']\n", "a"
    for i in range(8):       # 9**9 strings once the aliases are expanded
        name = chr(98 + i) * 2
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]\n"
        prev = name
    response = _upload(client, bomb.encode())
    assert "could not be loaded safely" in response.text or "line" in response.text
    assert "hx-retarget" not in response.headers
    assert client.get("/").status_code == 200


def test_oversized_upload_is_refused_unread(client):
    response = _upload(client, b"#" * (upload.MAX_UPLOAD + 10))
    assert "larger than 256 KiB" in response.text
    assert "hx-retarget" not in response.headers


def test_body_limit_counts_the_bytes_that_arrive(national):
    app = create_app(national)
    big = b"x" * (upload.MAX_FORM_BODY + 1)
    with TestClient(app) as c:
        # no Content-Length (chunked): the bytes are counted as they come
        response = c.post("/results", content=iter([big]),
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413


def test_conditions_can_be_added_and_removed(client, national):
    added = client.post("/conditions/add", data={**form(national), "_new_condition": "COPD"})
    assert 'name="conditions.copd.share"' in added.text
    new_hash = re.search(r'name="_base" value="([0-9a-f]{64})"', added.text).group(1)
    assert new_hash != national.hash
    fields = {"_base": new_hash, "conditions.all_ltc_mus.share": "0.6",
              "conditions.copd.share": "0.4", "conditions.copd.annual_saving": "2000",
              "_remove": "all_ltc_mus"}
    removed = client.post("/conditions/remove", data=fields)
    assert 'name="conditions.all_ltc_mus.share"' not in removed.text
    assert re.search(r'name="conditions.copd.share"[^>]*value="1"', removed.text, re.S)
    assert "given to the others in proportion" in removed.text
    last = client.post("/conditions/remove", data={
        "_base": re.search(r'name="_base" value="([0-9a-f]{64})"', removed.text).group(1),
        "_remove": "copd"})
    assert "at least one condition" in last.text


def test_a_refused_condition_change_keeps_the_edited_values(client, national):
    response = client.post("/conditions/add", data={
        **form(national, outcomes__recovery_rate=0.41), "_new_condition": "  "})
    assert "Give the new condition a name" in response.text
    assert re.search(r'name="outcomes.recovery_rate"[^>]*value="0.41"', response.text, re.S)
    assert figure(response.text, "totals.npv") == json.dumps(modeller.run(national.with_values(
        {"outcomes.recovery_rate": 0.41})).to_dict()["totals"]["npv"])


def test_scenarios_are_kept_compared_and_bounded(client, national):
    client.get("/")
    first = client.post("/scenarios", data={**form(national), "_scenario_name": "Central"})
    assert "Central" in first.text
    second = client.post("/scenarios", data={**form(national, outcomes__recovery_rate=0.41),
                                               "_scenario_name": "Lower recovery"})
    npvs = re.findall(r'data-key="totals.npv" data-value="([^"]*)"', second.text)
    assert npvs == [json.dumps(modeller.run(s).to_dict()["totals"]["npv"]) for s in
                    (national, national.with_values({"outcomes.recovery_rate": 0.41}))]
    assert re.search(r"class=\"diff\">−\W?£", second.text)   # signed difference from the first
    same = client.post("/scenarios", data={**form(national), "_scenario_name": "Central"})
    assert "already kept" in same.text
    for i in range(state.MAX_SCENARIOS):
        last = client.post("/scenarios", data={**form(national), "_scenario_name": f"S{i}"})
    assert f"At most {state.MAX_SCENARIOS} scenarios can be kept" in last.text
    removed = client.post("/scenarios/remove", data={"_scenario_index": "0"})
    assert "Central" not in removed.text


def test_stores_are_bounded(national):
    sets = state.SetStore(national, limit=3)
    edited = [national.with_values({"outcomes.recovery_rate": 0.40 + i / 100})
              for i in range(5)]
    for s in edited:
        sets.add(s)
    assert len(sets) == 3
    assert sets.get(edited[0].hash) is None and sets.get(edited[-1].hash) is edited[-1]
    assert sets.get(national.hash) is national          # the served set is pinned
    sessions = state.Sessions(limit=2, per_session=1)
    for sid in ("a", "b", "c"):
        sessions.keep(sid, state.Scenario("x", national, {}))
    assert len(sessions) == 2 and sessions.scenarios("a") == []


def test_loopback_server_refuses_other_host_names(national):
    from modeller.web.app import LOOPBACK_HOSTS

    app = create_app(national, allowed_hosts=LOOPBACK_HOSTS)
    with TestClient(app, base_url="http://evil.example") as c:
        assert c.get("/").status_code == 400
    with TestClient(app, base_url="http://localhost:8123") as c:
        assert c.get("/").status_code == 200


# --- regressions found by the outside check of issue 14 ---------------------------------

def test_a_whole_number_typed_gives_the_hash_and_pdf_of_a_file_that_says_it(client, national):
    """Typing 700 must edit the set as a YAML file saying 700 does (not 700.0): the hash,
    printed in every report, then matches ``modeller build`` of the same inputs."""
    data = form(national, costs__per_person_entering="700")
    response = client.post("/download/yaml", data=data)
    as_file = national.with_values({"costs.per_person_entering": 700})
    assert modeller.loads(response.text).hash == as_file.hash
    pdf = client.post("/download/board-summary", data=data).content
    assert pdf == modeller.report_pdf("board-summary", as_file)


@pytest.mark.parametrize("text", ["6_50", "٦٥٠", "0x1p-1", "1e", "--1", "Infinity", "nan"])
def test_only_plain_decimal_numbers_are_read(client, national, text):
    html = client.post("/results", data=form(national, costs__per_person_entering=text)).text
    assert "must be a" in problem(html, "costs.per_person_entering")
    assert "data-key=" not in html


def test_a_thousands_separator_and_exponent_are_still_numbers(client, national):
    html = client.post("/results", data=form(national, costs__per_person_entering="1,000",
                                             outcomes__recovery_rate="4.1e-1")).text
    edited = national.with_values({"costs.per_person_entering": 1000,
                                   "outcomes.recovery_rate": 0.41})
    assert json.loads(figure(html, "totals.npv")) == modeller.run(edited).to_dict()["totals"]["npv"]


def test_unknown_form_fields_are_problems_not_ignored(client, national):
    data = dict(form(national), **{"outcomes.recovry_rate": "0.4", "x": "1"})
    html = client.post("/results", data=data).text
    box = re.search(r'id="general-problems"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "Unknown inputs &#39;outcomes.recovry_rate&#39;, &#39;x&#39;" in box
    assert "data-key=" not in html
    assert client.post("/download/json", data=data).status_code == 422


def test_a_savings_split_problem_shows_in_its_condition(client):
    example = modeller.load("example-area")
    with TestClient(create_app(example), base_url="http://127.0.0.1") as c:
        html = c.post("/results", data=form(
            example, conditions__mus__savings_split__prescribing=0.15)).text
    box = re.search(r'id="problems-condition-mus"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert "sum to" in box
    general = re.search(r'id="general-problems"[^>]*>(.*?)</div>', html, re.S).group(1)
    assert general == ""


def test_a_set_too_big_for_the_form_is_refused_at_upload(client, monkeypatch):
    from modeller.web import forms

    monkeypatch.setattr(forms, "MAX_FORM_BYTES", 1000)
    text = "schema_version: 1\nextends: example-area\nname: big\n"
    html = client.post("/upload", files={"file": ("big.yaml", text.encode())}).text
    assert "big.yaml was not loaded" in html
    assert "more than the page can carry" in html


def test_results_say_the_case_in_a_sentence_and_warnings_by_label(client, national):
    html = client.get("/").text
    t = modeller.run(national).to_dict()["totals"]
    sentence = re.search(r'<p class="summary" id="summary">([^<]*)</p>', html).group(1)
    # 600 people a year x 5 years x £650; the rest are the run's own totals.
    assert sentence.startswith("Over 5 years, the service costs £1,950,000 and saves "
                               f"£{t['gross_savings_within_horizon']:,.0f} in healthcare use: "
                               f"a net cost of £{-t['net_within_horizon']:,.0f}.")
    assert f"net present value (NPV) is −\u2060£{-t['npv']:,.0f};" in sentence
    example = modeller.load("example-area")
    with TestClient(create_app(example), base_url="http://127.0.0.1") as c:
        notes = re.search(r'<ul class="warnings">(.*?)</ul>', c.get("/").text, re.S).group(1)
    assert "Musculoskeletal and chronic pain: annual saving per beneficiary: " in notes
    assert "conditions.msk.annual_saving:" not in notes
    assert "Benefit duration: the stated duration is 26.5 months" in notes
