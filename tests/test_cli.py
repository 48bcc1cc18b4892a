"""The command line: figures JSON on standard output; user errors as one line and a non-zero exit."""

import json
import textwrap
from pathlib import Path

import pytest

from icnreport.cli import main

REFERRALS = (
    "referral_id,nhs_number,referral_date,network,age\nR1,943 476 5919,15/01/2017,East,80\nR2,,2017-02-01,Nrth,80\n"
)
CLD = (
    "LA Person Unique Identifier,NHS Number,Event Type,Event Start Date,Event End Date,Unit Cost,"
    "Cost Frequency (Unit Type),Planned units per week\nP1,9434765919,Service,2016-01-01,,100,Weekly,\n"
)


@pytest.fixture
def params_file(tmp_path: Path) -> Path:
    (tmp_path / "referrals.csv").write_text(REFERRALS)
    (tmp_path / "cld.csv").write_text(CLD)
    path = tmp_path / "params.yaml"
    path.write_text(
        textwrap.dedent(
            """\
            area: Testshire
            programme_start: 2016-10-01
            networks: [East, Central, West]
            data:
              referrals: referrals.csv
              asc: cld.csv
            costs:
              staffing_per_year: 150000
            """
        )
    )
    return path


def test_figures_prints_json(params_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["figures", "--params", str(params_file), "--period", "2017-06"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert (figures["people"], figures["tracked"], figures["outcomes"]["unchanged"]) == (1, 1, 1)
    assert figures["quarantined"] == {"unknown network": 1}
    assert figures["period_end"] == "2017-06-30"


def test_strict_mode_fails_on_a_quarantined_row(params_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["figures", "--params", str(params_file), "--period", "2017-06", "--strict"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown network: 1" in err


@pytest.mark.parametrize(
    "change, message",
    [
        ("netwroks: [East]\n", "unknown key 'netwroks'"),
        ("costs:\n  staffing_per_yer: 1\n", "unknown key 'costs.staffing_per_yer'"),
        ("follow_up_days: soon\n", "key 'follow_up_days'"),
    ],
)
def test_bad_params_give_one_line(params_file: Path, capsys: pytest.CaptureFixture, change: str, message: str) -> None:
    text = params_file.read_text().replace("costs:\n  staffing_per_year: 150000\n", "") + change
    params_file.write_text(text)
    assert main(["figures", "--params", str(params_file), "--period", "2017-06"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and str(params_file) in err and "Traceback" not in err


def test_missing_required_key(params_file: Path, capsys: pytest.CaptureFixture) -> None:
    params_file.write_text(params_file.read_text().replace("area: Testshire\n", ""))
    assert main(["figures", "--params", str(params_file), "--period", "2017-06"]) == 2
    assert "missing required key 'area'" in capsys.readouterr().err


@pytest.mark.parametrize("period", ["2017-13", "June 2017", "2017-6"])
def test_bad_period(params_file: Path, capsys: pytest.CaptureFixture, period: str) -> None:
    assert main(["figures", "--params", str(params_file), "--period", period]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_missing_column_names_file_and_column(params_file: Path, capsys: pytest.CaptureFixture) -> None:
    cld = params_file.parent / "cld.csv"
    cld.write_text(CLD.replace("Event Type,", "Kind,"))
    assert main(["figures", "--params", str(params_file), "--period", "2017-06"]) == 2
    err = capsys.readouterr().err
    assert str(cld) in err and "event_type" in err and err.count("\n") == 1


def test_missing_params_file(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["figures", "--params", str(tmp_path / "nope.yaml"), "--period", "2017-06"]) == 2
    assert "params file not found" in capsys.readouterr().err


def test_period_before_the_programme_start(params_file: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["figures", "--params", str(params_file), "--period", "2016-09"]) == 2
    assert "before the programme start" in capsys.readouterr().err


def test_figures_json_round_trips(params_file: Path) -> None:
    from icnreport.figures import Figures, figures_for
    from icnreport.params import load_params
    from icnreport.period import parse_period

    figures = figures_for(load_params(params_file), parse_period("2017-06"))
    assert Figures.from_json(figures.to_json()) == figures


def test_a_run_looks_for_garbage_less_often_than_python_does(tmp_path: Path, monkeypatch) -> None:
    # Python 3.11 looks at young objects every 700 made; a run's months of charts and PDFs make millions.
    import gc

    thresholds = []
    monkeypatch.setattr(gc, "set_threshold", lambda *values: thresholds.append(values))
    main(["run", "--params", str(tmp_path / "missing.yaml"), "--period", "2017-06"])
    assert thresholds and thresholds[-1][0] >= 2000
