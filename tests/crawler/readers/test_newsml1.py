"""The NewsML 1.2 reader against real AFP, ANA-MPE and Business Wire documents: identity,
dates, status, news lines and bodies from NITF, XHTML, bare HTML and CDATA."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from wirearchive.crawler.readers import choose
from wirearchive.crawler.readers.base import TEXT, Extracted, ReadContext, Source
from wirearchive.crawler.readers.newsml1 import READER, read_bytes
from wirearchive.validators import Validator

DATA = Path(__file__).parents[2] / "data" / "newsml-1.2"
AFP = DATA / "afp.xml"


@cache
def _profile() -> Validator:
    return Validator(TEXT)


def _read(path: Path) -> Extracted:
    (extracted,) = READER.read(Source.from_path(path), ReadContext())
    return extracted


def test_afp_item_field_by_field() -> None:
    extracted = _read(AFP)
    item = extracted.item
    assert item is not None, extracted.problem
    # What Superdesk's afpnewsml12 test expects, in ninjs terms.
    assert item["headlines"] == [
        {"role": "main", "value": "Sweden court accepts receivership for Saab carmaker"}
    ]
    assert item["slugline"] == "Sweden-SAAB"
    assert item["language"] == "en"
    assert item["uri"] == "urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86"
    public = "urn:newsml:afp.com:20140829T135002Z:TX-PAR-FXW86:1"
    assert {"role": "publicIdentifier", "value": public} in item["altIds"]
    assert item["version"] == "1"
    assert item["urgency"] == 4
    assert item["versionCreated"] == item["firstCreated"] == "2014-08-29T13:49:51+00:00"
    assert item["pubStatus"] == "usable"
    assert item["usageTerms"] == "NO ARCHIVAL USE"
    assert item["genres"] == [{"name": "business"}, {"name": "bankruptcy"}]
    codes = [s["literal"] for s in item["subjects"] if s["rel"] == "about"]
    assert codes == ["04011002", "04016007", "04000000", "04016038", "04011000"]
    assert item["located"] == "Stockholm"
    body = item["bodies"][0]["value"]
    assert body.startswith("<p>A Chinese-owned company set up to take over Saab's assets")
    assert body.count("<p>") == 10
    assert "body.content" not in body
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]


@pytest.mark.parametrize(
    ("name", "headline", "body_start"),
    [
        ("afp.com_newsml1.2_sample.xml",
         "Israel strikes key Hamas targets as UN Security Council to meet",
         "<p>Israel's army said Sunday it had bombed the home"),
        ("afp20.xml",
         "Décès de Naomi Musenga: l'opératrice du Samu définitivement condamnée",
         "<p>L'opératrice du Samu condamnée pour non-assistance à personne en danger"),
        ("ana1.xml", "Wage employment balance positive in Jan-March",
         "<p>Wage employment in the private sector grew in March"),
        ("businesswire-newsml-20130605006126.xml", "Cambrios被Gartner評選為「最酷供應商」",
         "<p>(美國商業資訊)--為透明及軟性導體市場提供銀奈米線解決方案"),
    ],
)  # fmt: skip
def test_real_documents_read_and_validate(name: str, headline: str, body_start: str) -> None:
    extracted = _read(DATA / name)
    item = extracted.item
    assert item is not None, extracted.problem
    assert item["headlines"][0] == {"role": "main", "value": headline}
    assert item["bodies"][0]["value"].startswith(body_start)
    report = _profile().validate(item)
    assert report.valid, [p.to_dict() for p in report.errors]


def test_afp_declares_latin1_but_sends_utf8() -> None:
    extracted = _read(DATA / "afp20.xml")
    assert extracted.item is not None
    assert extracted.item["copyrightNotice"] == "© 2024 AFP"
    assert extracted.item["versionCreated"] == "2024-07-10T12:59:02Z"
    assert "input.charset-corrected" in [w.rule for w in extracted.warnings]


def test_business_wire_mojibake_is_refused() -> None:
    # The IPTC copy of this release holds UTF-8 that was decoded as cp1252 once already.
    extracted = _read(DATA / "businesswire-newsml-20130515006361.xml")
    assert extracted.item is None
    assert extracted.problem is not None
    assert extracted.problem.rule == "input.mojibake"
    assert extracted.problem.message.startswith("line 361 holds mojibake 'Â¹'")


def _two_items(status: str) -> bytes:
    item = """<NewsItem><Identification><NewsIdentifier><ProviderId>example.com</ProviderId>
<DateId>20240529</DateId><NewsItemId>{id}</NewsItemId><RevisionId>2</RevisionId>
<PublicIdentifier>urn:newsml:example.com:20240529:{id}:2</PublicIdentifier></NewsIdentifier>
</Identification><NewsManagement><FirstCreated>20240529T080000Z</FirstCreated>
<ThisRevisionCreated>20240529T090000Z</ThisRevisionCreated><Status FormalName="{status}"/>
</NewsManagement><NewsComponent xml:lang="en"><NewsLines><HeadLine>Story {id}</HeadLine>
<DateLine>LONDON, May 29 (Reuters) -</DateLine></NewsLines>
<ContentItem><MediaType FormalName="Text"/>
<DataContent>The first paragraph of the story has enough words to be a story.

The second paragraph follows after a blank line.</DataContent></ContentItem></NewsComponent>
</NewsItem>"""
    return ("<NewsML Version=\"1.2\"><NewsEnvelope><DateAndTime>20240529T090000Z</DateAndTime>"
            "</NewsEnvelope>" + item.format(id="A1", status=status)
            + item.format(id="B2", status="Usable") + "</NewsML>").encode()  # fmt: skip


@pytest.mark.parametrize(("status", "expected"), [("Canceled", "canceled"),
                                                   ("Withheld", "withheld")])  # fmt: skip
def test_several_news_items_and_their_status(status: str, expected: str) -> None:
    first, second = read_bytes(_two_items(status), "two.xml", ReadContext())
    assert (first.part, second.part) == ("NewsItem 1", "NewsItem 2")
    assert first.item is not None
    assert second.item is not None
    assert first.item["pubStatus"] == expected
    assert second.item["pubStatus"] == "usable"
    assert first.item["uri"] == "urn:newsml:example.com:20240529:A1"
    assert first.item["versionCreated"] == "2024-05-29T09:00:00Z"
    assert first.item["bodies"][0]["value"] == (
        "<p>The first paragraph of the story has enough words to be a story.</p>\n"
        "<p>The second paragraph follows after a blank line.</p>"
    )
    assert first.raw == second.raw


def test_chosen_by_content_and_hostile_input_refused() -> None:
    assert choose("item.txt", AFP.read_bytes()[:4096]).name == "newsml-1.2"
    bomb = (b'<?xml version="1.0"?><!DOCTYPE NewsML [<!ENTITY a "aaaa">]>'
            b"<NewsML Version=\"1.2\"><NewsItem>&a;</NewsItem></NewsML>")  # fmt: skip
    (refused,) = read_bytes(bomb, "bomb.xml", ReadContext())
    assert refused.problem is not None
    assert refused.problem.rule == "xml.entities"
    (other,) = read_bytes(b"<nitf><head/></nitf>", "x.xml", ReadContext())
    assert other.problem is not None
    assert other.problem.rule == "newsml1.not-newsml"
