"""The review page: every item boxed where it stands, tables beside, self-contained; checked in Chromium.

The browser tests skip (with the reason) only when chromium, chromedriver
or selenium are absent. ``REVIEW_SCREENSHOT=docs/review.png`` also writes
the screenshot there (done by hand for the README).
"""

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import SAMPLES

from pipeline import cli, to_dict
from pipeline.batch import Record, run_batch
from pipeline.review import (
    INDEX,
    KINDS,
    ReviewError,
    find_pdf,
    load_source,
    render_pages,
    review_html,
    write_batch_reviews,
    write_review,
)
from tests.browser import browser  # noqa: F401 - the fixture
from tests.fixtures import make_bad_file

SAMPLE = SAMPLES[0]
TOLERANCE_PX = 2.0
ITEM_LISTS = ("sections", *(key for key, _, _ in KINDS))
KIND_OF = {"sections": "section", **{key: kind for key, kind, _ in KINDS}}

# texts that must stay text wherever they land in the page (cells, tooltips' JSON, titles)
HOSTILE_TEXTS = [
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<!-- 注释 -->",
    "a & b < c",
]
# references that would make the page fetch something
EXTERNAL = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:|//|file:)|url\(\s*["']?(?:https?:|//)|@import""", re.I)


@pytest.fixture(scope="module")
def sample(sample_docs) -> dict:
    """The sample's output dict."""
    return to_dict(sample_docs[SAMPLE.stem])


@pytest.fixture(scope="module")
def images():
    return render_pages(SAMPLE)


@pytest.fixture(scope="module")
def page_file(sample, images, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("review") / "review.html"
    path.write_text(review_html(sample, images), encoding="utf-8")
    return path


def _placed(data: dict) -> list[tuple[str, dict]]:
    """(item id, item) of every item with a page and a box."""
    return [(f"{KIND_OF[key]}-{i}", item) for key in ITEM_LISTS for i, item in enumerate(data.get(key) or ())
            if item.get("page") is not None and item.get("bbox")]


# --- the HTML, without a browser ---------------------------------------------------------------


def test_review_html_has_a_box_per_item_on_its_page(sample, page_file):
    text = page_file.read_text(encoding="utf-8")
    pages = {int(m.group(1)): m.group(0)
             for m in re.finditer(r'<section class="page" id="page-(\d+)".*?</section>', text, re.S)}
    assert sorted(pages) == [p["number"] for p in sample["pages"]]
    placed = _placed(sample)
    assert len(placed) > 200  # the sample has targets, dates, references, entities and sections
    for item_id, item in placed:
        assert f'id="box-{item_id}"' in pages[item["page"]], (item_id, item["text"] if "text" in item else item)
    assert text.count('class="box ') == len(placed)


def test_review_html_has_a_row_per_item(sample, page_file):
    text = page_file.read_text(encoding="utf-8")
    for key in ITEM_LISTS:
        for i in range(len(sample.get(key) or ())):
            assert f'id="row-{KIND_OF[key]}-{i}"' in text, (key, i)


def test_review_html_is_self_contained(page_file):
    text = page_file.read_text(encoding="utf-8")
    assert not EXTERNAL.search(text), EXTERNAL.search(text).group(0)
    assert text.count('src="data:image/jpeg;base64,') == 17
    assert len(text) < 4_000_000  # 17 pages of JPEG at 1.5x: ~2.7 MB


@pytest.mark.parametrize("hostile", HOSTILE_TEXTS)
def test_review_html_escapes_item_text(sample, hostile):
    data = json.loads(json.dumps(sample))
    data["targets"][0]["text"] = hostile
    data["targets"][0]["indicator"] = hostile
    data["metadata"]["title"] = hostile
    text = review_html(data, ())
    assert hostile not in text.replace("<\\/", "</").split('<script type="application/json"')[0]
    payload = text.split('id="items">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload)["target-0"]["fields"]["text"] == hostile


@pytest.mark.parametrize("drop", ["page", "bbox"])
def test_review_html_lists_items_without_a_box(sample, drop):
    data = json.loads(json.dumps(sample))
    data["dates"][0][drop] = None
    text = review_html(data, ())
    assert 'id="box-date-0"' not in text
    assert re.search(r'<tr id="row-date-0"[^>]*class=nobox>.*?no box</td>', text)


# --- finding the PDF -----------------------------------------------------------------------------


def test_review_find_pdf_beside_the_json(sample, tmp_path):
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)
    out = tmp_path / "z.json"
    out.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    assert find_pdf(out, sample) == tmp_path / SAMPLE.name
    data, pdf = load_source(out)
    assert pdf == tmp_path / SAMPLE.name and data["source"] == sample["source"]


def test_review_never_follows_a_path_from_the_data(sample, tmp_path, capsys):
    """Only the PDF beside the JSON or the one given: not a manifest's path, not an absolute source.file."""
    out = tmp_path / "z-1a899f7d.json"
    out.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "manifest.jsonl").write_text(
        json.dumps({"path": str(SAMPLE), "status": "ok", "output": out.name}) + "\n{cut by a cra", encoding="utf-8")
    assert find_pdf(out, sample) is None
    crafted = {**sample, "source": {**sample["source"], "file": str(SAMPLE.resolve())}}
    out.write_text(json.dumps(crafted, ensure_ascii=False), encoding="utf-8")
    assert find_pdf(out, crafted) is None
    assert _exit_code(["review", str(out), "-o", str(tmp_path / "r.html")]) == 1
    assert "--pdf" in capsys.readouterr().err and not (tmp_path / "r.html").exists()
    shutil.copy(SAMPLE, tmp_path / SAMPLE.name)  # beside it, under the name source.file gives
    assert find_pdf(out, crafted) == tmp_path / SAMPLE.name


def test_review_batch_output_finds_its_pdf_through_the_manifest(tmp_path, capsys):
    """`review OUT/x-hash.json` after `batch`: the PDF is the input the manifest beside it records."""
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    shutil.copy(SAMPLE, src / SAMPLE.name)
    assert cli.main(["batch", str(src), "-o", str(out), "-q"]) == 0
    (json_path,) = out.glob("*.json")
    data = json.loads(json_path.read_text(encoding="utf-8"))
    assert find_pdf(json_path, data) == (src / SAMPLE.name).resolve()
    assert _exit_code(["review", str(json_path), "-o", str(tmp_path / "r.html")]) == 0
    assert (tmp_path / "r.html").is_file()


def _planted(sample, tmp_path, pdf: Path, record_sha: str | None = None, json_sha: str | None = None) -> Path:
    """A JSON output and a manifest record naming ``pdf`` for it, with the hashes given (else the sample's)."""
    sha = sample["source"]["sha256"]
    data = {**sample, "source": {**sample["source"], "file": "gone.pdf", "sha256": json_sha or sha}}
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    path = out / "z-1a899f7d.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (out / "manifest.jsonl").write_text(json.dumps({"path": str(pdf), "sha256": record_sha or sha, "status": "ok",
                                                    "output": path.name}) + "\n", encoding="utf-8")
    return path


def test_review_manifest_lookup_is_checked(sample, tmp_path):
    other = tmp_path / "other.pdf"
    other.write_bytes(SAMPLE.read_bytes() + b"\n% another file\n")
    link = tmp_path / "link.pdf"
    link.symlink_to(SAMPLE.resolve())
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    cases = [
        (SAMPLE.resolve(), {}, True),  # the very PDF parsed
        (other, {}, False),  # the record says the sample's sha256, the file is another
        (other, {"record_sha": "0" * 64, "json_sha": "0" * 64}, False),  # both claim a hash the file lacks
        (link, {}, False),  # a link, not a regular file
        (folder, {}, False),
        (tmp_path / "missing.pdf", {}, False),
        (SAMPLE.resolve(), {"record_sha": "0" * 64}, False),  # the record is of other content
    ]
    for pdf, shas, found in cases:
        path = _planted(sample, tmp_path, pdf, **shas)
        data = json.loads(path.read_text(encoding="utf-8"))
        assert (find_pdf(path, data) == pdf) is found, (pdf, shas)


def test_review_find_pdf_gives_none_when_absent(sample, tmp_path):
    out = tmp_path / "z.json"
    out.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    assert find_pdf(out, sample) is None
    with pytest.raises(ReviewError, match="--pdf"):
        load_source(out)
    assert load_source(out, pdf=SAMPLE)[1] == SAMPLE


@pytest.mark.parametrize("content, words", [
    (b"\xff\xfe not text", "neither a PDF nor a JSON"),
    (b'{"pages": 3}', "neither a PDF nor a JSON output"),
    (b"[1, 2]", "neither a PDF nor a JSON output"),
    (b'{"schema_version": "1.0.0", "pages": 3}', "not a valid parse output"),
])
def test_review_load_source_rejects_other_files(tmp_path, content, words):
    path = tmp_path / "x.json"
    path.write_bytes(content)
    with pytest.raises(ReviewError, match=words):
        load_source(path)


def test_review_warns_when_the_pdf_differs(sample, tmp_path):
    data = json.loads(json.dumps(sample))
    data["source"]["sha256"] = "0" * 64
    out = tmp_path / "z.json"
    out.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    _, warning = write_review(out, tmp_path / "r.html", pdf=SAMPLE, scale=0.5)
    assert warning and "differs" in warning
    assert "differs from the file parsed" in (tmp_path / "r.html").read_text(encoding="utf-8")


# --- the command line and the batch --------------------------------------------------------------


def test_review_cli_writes_the_page(sample, tmp_path, capsys):
    out = tmp_path / "z.json"
    out.write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    assert cli.main(["review", str(out), "--pdf", str(SAMPLE), "-o", str(tmp_path / "r.html"), "--scale", "0.5"]) == 0
    assert (tmp_path / "r.html").read_text(encoding="utf-8").count('class="box ') == len(_placed(sample))


@pytest.mark.parametrize("argv, code, words", [
    (["review", "{tmp}/missing.json", "-o", "{tmp}/r.html"], 1, "cannot read"),
    (["review", "{tmp}/lonely.json", "-o", "{tmp}/r.html"], 1, "--pdf"),
    (["review", "{tmp}/bad_not_pdf.pdf", "-o", "{tmp}/r.html"], 1, "neither a PDF nor a JSON"),
    (["review", "{tmp}/lonely.json"], 2, "-o/--output"),
    (["review", "{tmp}/lonely.json", "-o", "{tmp}/r.html", "--scale", "0"], 2, "between"),
])
def test_review_cli_errors_are_one_line(sample, tmp_path, capsys, argv, code, words):
    (tmp_path / "lonely.json").write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "bad_not_pdf.pdf").write_bytes(b"\xff\xfe\x00")
    assert _exit_code([a.format(tmp=tmp_path) for a in argv]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert words in err[-1] and (code == 2 or len(err) == 1)
    assert not (tmp_path / "r.html").exists()


def _exit_code(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as e:  # argparse's usage errors
        return int(e.code or 0)


def test_review_cli_help_has_an_example(capsys):
    with pytest.raises(SystemExit):
        cli.main(["review", "--help"])
    assert "example: python -m pipeline review" in capsys.readouterr().out


def test_review_batch_writes_pages_and_an_index(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SAMPLE, inputs / SAMPLE.name)
    make_bad_file("not_pdf", inputs)
    out = tmp_path / "out"
    report = run_batch([inputs], out, workers=1, review=True)
    ok = [r for r in report.records if r.status == "ok"]
    assert len(ok) == 1 and len(report.records) == 2
    page = (out / ok[0].output).with_suffix(".html")
    data = json.loads((out / ok[0].output).read_text(encoding="utf-8"))
    assert page.read_text(encoding="utf-8").count('class="box ') == len(_placed(data))
    index = (out / INDEX).read_text(encoding="utf-8")
    assert f'href="{page.name}"' in index
    for key, _, _ in KINDS:  # the counts, in order, on the document's row
        assert key in index
    row = re.search(rf'<tr class="ok">.*?href="{re.escape(page.name)}".*?</tr>', index).group(0)
    counts = [int(n) for n in re.findall(r'<td class="n">(\d*)</td>', row)[1:]]
    assert counts == [len(data[key]) for key, _, _ in KINDS]
    assert "bad_not_pdf.pdf" in index and "not a PDF" in index
    mtime = page.stat().st_mtime_ns
    run_batch([inputs], out, workers=1, review=True)  # a rerun keeps an up-to-date page
    assert page.stat().st_mtime_ns == mtime


# --- in Chromium -----------------------------------------------------------------------------------

# every box's rectangle, its page and the page image's rectangle, in CSS pixels
_GEOMETRY_JS = """
const out = {};
for (const page of document.querySelectorAll('.page')) {
  const img = page.querySelector('.page-image').getBoundingClientRect();
  for (const box of page.querySelectorAll('.box')) {
    const r = box.getBoundingClientRect(), s = getComputedStyle(box);
    out[box.dataset.item] = {page: +page.dataset.page, x: r.left - img.left, y: r.top - img.top,
      w: r.width, h: r.height, imgW: img.width, imgH: img.height,
      visible: s.display !== 'none' && s.visibility !== 'hidden' && +s.opacity > 0};
  }
}
return out;
"""
_IMAGES_READY_JS = "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"
_IN_VIEW_JS = """
const el = arguments[0], pane = el.closest(arguments[1]).getBoundingClientRect(), r = el.getBoundingClientRect();
return r.top >= pane.top && r.bottom <= pane.bottom && r.left >= pane.left && r.right <= pane.right;
"""


@pytest.fixture(scope="module")
def loaded(browser, page_file):  # noqa: F811 - the imported fixture
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(page_file.as_uri())
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(_IMAGES_READY_JS))
    return browser


def test_review_browser_every_item_boxed_at_its_bbox(loaded, sample):
    geometry = loaded.execute_script(_GEOMETRY_JS)
    placed = _placed(sample)
    assert len(geometry) == len(placed)
    pages = {p["number"]: p for p in sample["pages"]}
    for item_id, item in placed:
        g = geometry[item_id]
        assert g["page"] == item["page"], item_id
        assert g["visible"] and g["w"] > 0 and g["h"] > 0, item_id
        page = pages[item["page"]]
        sx, sy = g["imgW"] / page["width"], g["imgH"] / page["height"]
        x0, top, x1, bottom = item["bbox"]
        want = (x0 * sx, top * sy, (x1 - x0) * sx, (bottom - top) * sy)
        got = (g["x"], g["y"], g["w"], g["h"])
        assert all(abs(a - b) <= TOLERANCE_PX for a, b in zip(got, want)), (item_id, got, want)


def test_review_browser_page_images_are_shown_at_page_size(loaded, sample):
    sizes = loaded.execute_script(
        "return [...document.querySelectorAll('.page')].map(p => {const r = p.querySelector('img')"
        ".getBoundingClientRect(); return [+p.dataset.page, r.width, r.height]})")
    for number, w, h in sizes:
        page = sample["pages"][number - 1]
        assert w > 300 and abs(h - w * page["height"] / page["width"]) <= TOLERANCE_PX


def test_review_browser_clicking_a_row_highlights_its_box(loaded, sample):
    from selenium.webdriver.common.by import By

    last = len(sample["targets"]) - 1  # the last target: its page is far down, so the click must scroll
    row = loaded.find_element(By.ID, f"row-target-{last}")
    loaded.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    box = loaded.find_element(By.ID, f"box-target-{last}")
    assert "hl" in box.get_attribute("class").split()
    assert "hl" in row.get_attribute("class").split()
    assert loaded.execute_script(_IN_VIEW_JS, box, "main")
    assert len(loaded.find_elements(By.CSS_SELECTOR, ".box.hl")) == 1


def test_review_browser_screenshot(loaded, sample, tmp_path):
    """The first target picked, as the README shows it: its page with the boxes of every kind around it."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    row = loaded.find_element(By.ID, "row-target-0")
    loaded.execute_script("arguments[0].scrollIntoView({block: 'center'})", row)
    row.click()
    box = loaded.find_element(By.ID, "box-target-0")
    assert "hl" in box.get_attribute("class").split()
    assert loaded.execute_script(_IN_VIEW_JS, box, "main")
    loaded.execute_script("document.getAnimations().forEach(a => a.finish())")  # the pulse, done
    ActionChains(loaded).move_to_element_with_offset(box, 0, 0).perform()  # and its fields in the tooltip
    shot = tmp_path / "review.png"
    loaded.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    if os.environ.get("REVIEW_SCREENSHOT"):
        shutil.copy(shot, os.environ["REVIEW_SCREENSHOT"])


def test_review_browser_clicking_a_box_finds_its_row(loaded, sample):
    from selenium.webdriver.common.by import By

    item_id = _topmost(loaded, "date")
    box = loaded.find_element(By.ID, f"box-{item_id}")
    loaded.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    box.click()
    row = loaded.find_element(By.ID, f"row-{item_id}")
    assert "hl" in row.get_attribute("class").split() and "hl" in box.get_attribute("class").split()
    assert loaded.execute_script(_IN_VIEW_JS, row, "aside")


def test_review_browser_hover_shows_the_fields(loaded, sample):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    item_id = _topmost(loaded, "target")
    item = sample["targets"][int(item_id.rsplit("-", 1)[1])]
    box = loaded.find_element(By.ID, f"box-{item_id}")
    loaded.execute_script("arguments[0].scrollIntoView({block: 'center'})", box)
    ActionChains(loaded).move_to_element(box).perform()
    tip = loaded.find_element(By.ID, "tip")
    assert tip.is_displayed()
    assert tip.text.startswith(f"target {item['text']}")
    assert item["indicator"] in tip.text and "modality" in tip.text


def test_review_browser_outline_scrolls_to_a_section(loaded, sample):
    from selenium.webdriver.common.by import By

    i = len(sample["sections"]) - 1
    link = loaded.find_element(By.ID, f"row-section-{i}")
    loaded.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()
    box = loaded.find_element(By.ID, f"box-section-{i}")
    assert "hl" in box.get_attribute("class").split()
    assert loaded.execute_script(_IN_VIEW_JS, box, "main")


def _topmost(driver, kind: str) -> str:
    """The id of the first box of a kind that nothing covers at its centre, so a pointer reaches it."""
    item_id = driver.execute_script("""
      for (const b of document.querySelectorAll('.box.k-' + arguments[0])) {
        b.scrollIntoView({block: 'center'});
        const r = b.getBoundingClientRect();
        if (document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === b) return b.dataset.item;
      }
      return null;""", kind)
    assert item_id, f"every {kind} box is covered"
    return item_id


def test_review_batch_index_lists_a_document_whose_page_cannot_be_drawn(sample, tmp_path):
    (tmp_path / "z-00000000.json").write_text(json.dumps(sample, ensure_ascii=False), encoding="utf-8")
    gone = Record(str(tmp_path / "moved-away.pdf"), "0" * 64, "ok", output="z-00000000.json", pages=17)
    failed = Record(str(tmp_path / "bad.pdf"), None, "failed", "bad.pdf: not a PDF (no %PDF- header)")
    rows = write_batch_reviews(tmp_path, [gone, failed])
    assert [r.review for r in rows] == [None, None]
    assert rows[0].status == "ok" and "no review page" in rows[0].error
    index = (tmp_path / INDEX).read_text(encoding="utf-8")
    assert "moved-away.pdf" in index and "not a PDF" in index and 'href="z-00000000.json"' in index
    assert not (tmp_path / "z-00000000.html").exists()
