"""Two `python app.py` on one data folder (a rolling deploy): nothing is lost, both see all."""

from pathlib import Path

from tests.app_process import running_app
from tests.two_processes import write_through_both_and_check


def test_two_processes_on_one_folder_lose_nothing_and_see_each_other(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with running_app(data) as url_a, running_app(data) as url_b:
        write_through_both_and_check(url_a, url_b)
