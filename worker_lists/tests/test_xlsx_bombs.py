"""XLSX files built to exhaust the worker (issue 9, finding 9): each is refused or read in well
under a second, with a clear reason. The files are made by hand with zipfile."""

import io
import re
import time
import zipfile

import pytest
from openpyxl import Workbook

from worker_lists import reading
from worker_lists.models import SubmissionStatus, WorkerListRow
from worker_lists.services import worker_list_process

from .factories import submit_file
from .helpers import HEADERS, worker

pytestmark = pytest.mark.django_db


def workbook_bytes() -> bytes:
    rows = [worker(1)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append([row[key] for key in HEADERS])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


_SHARED_STRINGS_TYPE = (
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)


def _write(target: zipfile.ZipFile, name: str, content) -> None:
    if callable(content):
        with target.open(name, "w", force_zip64=True) as member:
            content(member)
    else:
        target.writestr(name, content)


def rewritten(data: bytes, replace: dict[str, object]) -> bytes:
    """The XLSX with members replaced or added: bytes, or a callable writing into the member.
    An added shared-strings table is declared in [Content_Types].xml, as Excel declares it."""
    source = zipfile.ZipFile(io.BytesIO(data))
    names = source.namelist()
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in names:
            content = replace.get(name, source.read(name))
            if name == "[Content_Types].xml" and "xl/sharedStrings.xml" in replace:
                content = content.replace(b"</Types>", _SHARED_STRINGS_TYPE.encode())
            _write(target, name, content)
        for name, content in replace.items():
            if name not in names:
                _write(target, name, content)
    return output.getvalue()


def far_corner(data: bytes, corner: str) -> bytes:
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    row = "".join(ch for ch in corner if ch.isdigit())
    sheet = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="A1:{corner}"/>', sheet)
    assert corner in sheet
    sheet = sheet.replace(
        "</sheetData>", f'<row r="{row}"><c r="{corner}" t="n"><v>1</v></c></row></sheetData>'
    )
    return rewritten(data, {"xl/worksheets/sheet1.xml": sheet.encode()})


def processed(agency, data):
    submission = submit_file(agency=agency, data=data, filename="daftar.xlsx")
    started = time.perf_counter()
    done = worker_list_process(submission_id=submission.pk)
    return done, time.perf_counter() - started


@pytest.mark.parametrize("corner", ["XFD100000", "XFD1048576"])
def test_a_cell_declared_in_the_far_corner_is_ignored_and_the_list_read_quickly(
    world, agency, corner
):
    data = far_corner(workbook_bytes(), corner)
    assert len(data) < 10_000

    done, seconds = processed(agency, data)

    assert seconds < 1
    assert done.status == SubmissionStatus.DONE
    assert done.counts["new_lead"] == 1
    assert WorkerListRow.objects.filter(submission=done).count() == 1


def huge_cell(megabytes: int):
    def write(member):
        member.write(b'<?xml version="1.0" encoding="UTF-8"?><sst count="1" uniqueCount="1" ')
        member.write(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>')
        chunk = b"A" * (1 << 20)
        for _ in range(megabytes):
            member.write(chunk)
        member.write(b"</t></si></sst>")

    return write


def test_a_small_file_unpacking_to_a_huge_cell_is_refused_in_well_under_a_second(world, agency):
    data = rewritten(workbook_bytes(), {"xl/sharedStrings.xml": huge_cell(64)})
    assert len(data) < 1_000_000

    done, seconds = processed(agency, data)

    assert seconds < 0.5
    assert done.status == SubmissionStatus.FAILED
    assert done.failure_code == "xlsx_too_large"
    assert "MB" in done.failure_message


def test_a_file_over_the_uncompressed_cap_is_refused(world, agency, monkeypatch):
    monkeypatch.setattr(reading, "XLSX_MAX_UNCOMPRESSED_BYTES", 1 << 20)
    data = rewritten(workbook_bytes(), {"xl/sharedStrings.xml": huge_cell(2)})

    done, seconds = processed(agency, data)

    assert (done.failure_code, seconds < 0.5) == ("xlsx_too_large", True)


def test_a_cell_longer_than_excel_allows_is_refused(world, agency):
    import random

    text = "".join(random.choices("abcdefghijklmnopqrstuvwxyz ", k=40_000))
    sst = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{text}</t></si></sst>'
    )
    data = rewritten(workbook_bytes(), {"xl/sharedStrings.xml": sst.encode()})

    done, _seconds = processed(agency, data)

    assert done.status == SubmissionStatus.FAILED
    assert done.failure_code == "xlsx_cell_too_long"


def test_xml_entities_in_an_xlsx_are_refused_not_expanded(world, agency):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>&lol3;</t></si></sst>"
    )
    data = rewritten(workbook_bytes(), {"xl/sharedStrings.xml": laughs.encode()})

    done, seconds = processed(agency, data)

    assert (done.status, done.failure_code) == (SubmissionStatus.FAILED, "xlsx_unreadable")
    assert seconds < 1
