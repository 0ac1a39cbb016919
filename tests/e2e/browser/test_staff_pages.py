"""Council staff in a real browser: sign in, load the selected cases from a CSV file and see them listed, filter the
list, save it as CSV, invite; and a file with bad rows refused row by row with nothing stored."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import httpx
import pytest

from tests.e2e.browser.conftest import Checked, sign_in
from tests.support import council_with_staff, page_user

pytestmark = pytest.mark.e2e


def staff_of_new_council(http: httpx.Client) -> tuple[str, dict[str, str]]:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    return page_user(http, "council_staff", council.council_id), council.staff


def load(checked: Checked, path: Path, state: str) -> None:
    page = checked.page
    checked.click(page.get_by_role("link", name="Add cases").first, "upload form")
    page.get_by_label("Choose a CSV file").set_input_files(str(path))
    checked.click(page.get_by_role("button", name="Load the file"), state)


def test_staff_load_cases_from_csv_and_see_them_listed(checked: Checked, http: httpx.Client, tmp_path: Path) -> None:
    email, staff = staff_of_new_council(http)
    sign_in(checked, email)
    page = checked.page
    assert page.get_by_role("heading", level=1).inner_text().startswith("Cases for Council")
    assert page.get_by_text("You have not added any cases yet.").is_visible()
    good = tmp_path / "selected.csv"
    good.write_text(
        "reference,theme,phone,priority\n"
        "B-1,older_people,+447700900601,primary\n"
        "B-2,Older people,07700 900602,reserve\n"
        "B-3,unpaid_carer,+447700900603,primary\n",
        encoding="utf-8",
    )
    load(checked, good, "list after loading")
    assert page.get_by_text("We added 3 cases.").is_visible()
    rows = page.locator("tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("th").inner_text().split("\n")[0] for i in range(3)] == ["B-1", "B-2", "B-3"]
    assert "Not invited" in rows.nth(0).inner_text() and "No answer yet" in rows.nth(0).inner_text()

    page.get_by_label("Type").select_option("reserve")
    checked.click(page.get_by_role("button", name="Show cases"), "list filtered")
    assert page.locator("tbody tr").count() == 1 and "Showing 1 of 3 cases" in page.content()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this list as a CSV file").click()
    saved = list(csv.DictReader(Path(download.value.path()).read_text(encoding="utf-8").splitlines()))
    assert [row["reference"] for row in saved] == ["B-2"]

    checked.click(page.get_by_role("link", name="Clear filters"), "list unfiltered")
    checked.click(page.get_by_role("link", name="B-1"), "case page")
    checked.click(page.get_by_role("button", name="Send the invitation text"), "case invited")
    assert page.get_by_text("We sent the invitation.").is_visible()
    first = http.get("/api/cases", headers=staff).json()[0]
    assert first["reference"] == "B-1" and first["invitation"]["status"] == "queued"


def test_a_file_with_bad_rows_is_refused_row_by_row_and_nothing_is_stored(
    checked: Checked, http: httpx.Client, tmp_path: Path
) -> None:
    email, staff = staff_of_new_council(http)
    sign_in(checked, email)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "reference,theme,phone,priority\n"
        "C-1,older_people,+447700900611,primary\n"
        ",older_people,+447700900612,primary\n"
        "C-3,pensioners,+447700900613,primary\n"
        "C-4,unpaid_carer,0123,primary\n"
        "C-1,unpaid_carer,,soon\n",
        encoding="utf-8",
    )
    load(checked, bad, "upload refused")
    page = checked.page
    assert page.get_by_role("heading", name="We did not add any cases").is_visible()
    table = page.get_by_role("region", name="Problems in the file")
    found = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()] for row in table.locator("tbody tr").all()
    ]
    assert found == [
        ["3", "reference", "Give a reference."],
        ["4", "theme", "pensioners is not a theme we use."],
        ["5", "phone", "This is not a real UK phone number."],
        ["6", "reference", "Row 2 has the same reference."],
        ["6", "priority", "Write primary or reserve, not soon."],
    ]
    # The link in the error summary takes keyboard and screen reader users to the report.
    checked.click(page.get_by_role("link", name="See the problems"), "upload refused, report in view")
    assert http.get("/api/cases", headers=staff).json() == [], "nothing from the file was stored"
    checked.goto("/staff/cases", "list still empty")
    assert page.get_by_text("You have not added any cases yet.").is_visible()
