"""`paperbrief serve` in real headless Chromium (Selenium with Debian's chromium-driver).

The page's buttons change the marks, and the marks change the next `rank`; CSRF, the token and
escaping are checked against the running server (127.0.0.1 only).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from paperbrief.cli import main
from paperbrief.models import Paper
from paperbrief.serve import create_app
from paperbrief.sources import read_file
from paperbrief.store.core import Store
from tests.conftest import FIXTURES

FEED = FIXTURES / "hf-2024-papers-2000.jsonl"
VIDEO_LIKES = ["2406.04277", "2406.05338"]  # VideoTetris, MotionClone
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes"'


def _need(path_names: tuple[str, ...], what: str) -> str:
    found = next((p for p in map(shutil.which, path_names) if p), None)
    if found is None:
        reason = f"{what} not found (apt-get install chromium chromium-driver)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}: the browser tests must run", pytrace=False)
        pytest.skip(reason)
    return found


class Server:
    def __init__(self, db: Path, token: str | None = None) -> None:
        from werkzeug.serving import make_server

        self.app = create_app(db, "default", token)
        self.httpd = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(5)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("serve") / "serve.db"
    papers = read_file(FEED).papers
    hostile = Paper(id="hostile-1", title=HOSTILE, abstract=f"An abstract with {HOSTILE} in it.",
                    source="test")
    with Store(path) as store:
        store.save_papers([*papers, hostile])
        store.record_seen("default", papers[:5], "2024-W22")  # a digest detailed these
    return path


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[Server]:
    s = Server(db)
    yield s
    s.close()


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    chromium = _need(("chromium", "chromium-browser"), "Chromium")
    chromedriver = _need(("chromedriver",), "chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--no-first-run", "--disable-background-networking", "--disable-extensions",
                 "--disable-component-update", "--disable-sync",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-serve')}"):
        options.add_argument(flag)
    d = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    yield d
    d.quit()


def rank_ids(db: Path, capsys) -> list[str]:
    assert main(["rank", "-i", str(FEED), "--db", str(db), "--json"]) == 0
    return [json.loads(line)["id"] for line in capsys.readouterr()[0].splitlines()]


def click_and_load(driver, element) -> None:
    """Click a button that loads a page, and wait for the new page."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    old = driver.find_element(By.TAG_NAME, "html")
    element.click()

    def replaced(_driver) -> bool:  # selenium's staleness_of, plus Chromium's other wording
        try:
            old.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:  # raced with the navigation: the node just went away
            if "does not belong to the document" in (exc.msg or ""):
                return True
            raise
        return False

    WebDriverWait(driver, 60).until(replaced)


def paper_block(driver, paper_id: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, f'div.paper[data-id="{paper_id}"]')


def test_buttons_mark_papers_and_the_next_rank_follows(server, driver, db, capsys,
                                                       monkeypatch, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no interests profile
    driver.get(server.url + "/")
    assert "2024-W22" in driver.find_element(By.ID, "digests").text
    click_and_load(driver, driver.find_element(By.LINK_TEXT, "2024-W22"))
    assert len(driver.find_elements(By.CSS_SELECTOR, "div.paper")) == 5
    for paper_id in VIDEO_LIKES:  # search, then "More like this"
        box = driver.find_element(By.NAME, "q")
        box.clear()
        box.send_keys(paper_id)
        click_and_load(driver, driver.find_element(By.ID, "search"))
        click_and_load(driver, paper_block(driver, paper_id).find_element(
            By.CSS_SELECTOR, "button.like"))
        assert paper_block(driver, paper_id).find_element(By.CSS_SELECTOR, ".mark").text == "liked"
    with Store(db) as store:
        assert {m.paper_id: m.mark for m in store.get_marks("default")} == {
            pid: "like" for pid in VIDEO_LIKES}
    first = rank_ids(db, capsys)
    top = [pid for pid in first if pid not in VIDEO_LIKES][0]
    # "Not for me" on the best unmarked paper: the next ranking puts it last
    driver.get(server.url + "/search?q=" + top)
    click_and_load(driver, paper_block(driver, top).find_element(
        By.CSS_SELECTOR, "button.dislike"))
    assert paper_block(driver, top).find_element(By.CSS_SELECTOR, ".mark").text == "disliked"
    second = rank_ids(db, capsys)
    assert second[-1] == top  # disliked: last
    assert [p for p in second if p not in VIDEO_LIKES][0] != top
    # compare two ticked papers (offline engine)
    driver.get(server.url + "/search?q=video+generation")
    boxes = driver.find_elements(By.CSS_SELECTOR, 'input[type="checkbox"][form="compare"]')
    boxes[0].click()
    boxes[1].click()
    click_and_load(driver, driver.find_element(By.ID, "compare-button"))
    assert " vs " in driver.find_element(By.TAG_NAME, "h1").text
    assert driver.find_element(By.ID, "comparison").text


def test_every_text_is_escaped(server, driver) -> None:
    from selenium.webdriver.common.by import By

    query = urllib.parse.quote('<b id="injected">hostile</b>')
    driver.get(server.url + "/search?q=" + query)
    assert driver.find_elements(By.ID, "injected") == []
    driver.get(server.url + "/search?q=hostile-1")
    block = paper_block(driver, "hostile-1")
    assert block.find_element(By.CLASS_NAME, "title").text == HOSTILE  # shown, as text
    assert driver.find_elements(By.TAG_NAME, "script") == []
    assert driver.find_elements(By.CSS_SELECTOR, "div.paper img") == []


def post(url: str, data: dict, headers: dict | None = None) -> int:
    body = urllib.parse.urlencode(data).encode()
    req = urllib.request.Request(url, data=body, headers=headers or {}, method="POST")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(req, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_a_mark_without_the_csrf_token_or_from_another_site_is_refused(server, db) -> None:
    target = "2406.00908"
    csrf = server.app.config["CSRF"]
    assert post(server.url + "/mark", {"id": target, "mark": "like"}) == 403
    assert post(server.url + "/mark", {"id": target, "mark": "like", "csrf": "guess"}) == 403
    assert post(server.url + "/mark", {"id": target, "mark": "like", "csrf": csrf},
                {"Origin": "http://evil.example"}) == 403
    # a page of another name resolving to 127.0.0.1 (DNS rebinding) gets nothing
    assert post(server.url + "/mark", {"id": target, "mark": "like", "csrf": csrf},
                {"Host": "evil.example"}) == 403
    with Store(db) as store:
        assert target not in {m.paper_id for m in store.get_marks("default")}
    assert post(server.url + "/mark", {"id": target, "mark": "like", "csrf": csrf,
                                       "next": "//evil.example/"}) == 303
    with Store(db) as store:
        assert target in {m.paper_id for m in store.get_marks("default")}
        store.remove_marks("default", [target])


def test_a_token_server_refuses_requests_without_it(db) -> None:
    s = Server(db, token="s3cret-token")
    try:
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(s.url + "/", timeout=10)
        assert refused.value.code == 403
        with urllib.request.urlopen(s.url + "/?token=s3cret-token", timeout=10) as ok:
            assert ok.status == 200
            assert "paperbrief_token=" in ok.headers["Set-Cookie"]
            assert "HttpOnly" in ok.headers["Set-Cookie"]
    finally:
        s.close()


def test_serve_on_another_address_needs_a_token(capsys) -> None:
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr()[1]
    assert err.startswith("paperbrief: error: --host 0.0.0.0 is reachable") and "--token" in err


def test_the_digest_links_lead_to_the_page_that_marks(server, driver, db, tmp_path) -> None:
    from selenium.webdriver.common.by import By

    day = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"
    html = tmp_path / "digest.html"
    assert main(["digest", str(day), "--offline", "--top", "2", "--db", str(db),
                 "--out", str(html), "--serve-url", server.url + "/"]) == 0
    driver.get(html.as_uri())
    links = driver.find_elements(By.LINK_TEXT, "Not for me")
    assert len(links) == 2  # one per detailed paper
    target = urllib.parse.unquote(links[0].get_attribute("href").split("/paper/")[1]
                                  .split("?")[0])
    click_and_load(driver, links[0])  # a GET: it shows the paper, it marks nothing
    assert "Not for me" in driver.find_element(By.ID, "message").text
    with Store(db) as store:
        assert target not in {m.paper_id for m in store.get_marks("default")}
    click_and_load(driver, paper_block(driver, target).find_element(
        By.CSS_SELECTOR, "button.dislike"))
    with Store(db) as store:
        assert {m.paper_id: m.mark for m in store.get_marks("default")}[target] == "dislike"
        store.remove_marks("default", [target])


def test_markdown_and_plain_text_digests_carry_the_marking_links(tmp_path, capsys) -> None:
    """--serve-url puts 'More like this' / 'Not for me' on every detailed paper of the Markdown
    digest (rendered links) and of the plain text (footnote URLs), as in the HTML one."""
    from markdown_it import MarkdownIt

    from paperbrief.digest.render_text import render_text_digest
    from paperbrief.models import Digest

    day = FIXTURES / "hf-api" / "hf_daily_papers_2026-03-16.json"
    out = tmp_path / "digest.md"
    base = ["digest", str(day), "--offline", "--top", "2", "--db", str(tmp_path / "pb.db"),
            "--serve-url", "http://127.0.0.1:8025/"]
    assert main([*base, "--out", str(out)]) == 0
    html = MarkdownIt("commonmark").render(out.read_text("utf-8"))
    likes = re.findall(r'<a href="http://127\.0\.0\.1:8025/paper/([^"?]+)\?want=like">More like '
                       r"this</a>", html)
    assert len(likes) == 2 and html.count(">Not for me</a>") == 2
    capsys.readouterr()
    assert main([*base, "--json"]) == 0
    digest = Digest.model_validate_json(capsys.readouterr().out)
    assert [urllib.parse.unquote(i) for i in likes] == digest.detailed
    text = render_text_digest(digest, 2)
    assert text.count("More like this [") == 2
    for pid in digest.detailed:
        assert f"http://127.0.0.1:8025/paper/{urllib.parse.quote(pid, safe='')}?want=dislike" \
            in text
    assert max(len(line) for line in text.splitlines()) <= 78
