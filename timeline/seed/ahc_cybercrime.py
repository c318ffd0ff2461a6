"""The demo data set: the UN Ad Hoc Committee on cybercrime (2021-2026).

Facts come from `shared/docs/domain.md`. Each event is a list of steps: the first is the event as
first recorded, later ones are merge patches; each step carries the day it became public
(`known_on`), so `as_of=2023-06-30` shows the world as the June 2023 brief saw it. Secondary-only
facts name their press source and say so in the summary; unconfirmed details are written as
uncertain EDTF dates or left out.
"""

from __future__ import annotations

from typing import Any

__all__ = ["ITEMS", "PROCESS", "SEED_EVENTS", "SeedItem", "SeedStep", "load_extra"]

SeedStep = tuple[str, dict[str, Any]]  # (known_on, document or merge patch)

UNODC = {
    "url": "https://www.unodc.org/unodc/en/cybercrime/ad_hoc_committee/home",
    "title": "UNODC: Ad Hoc Committee on cybercrime, home page",
}
UNTC = {
    "url": (
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-16&chapter=18"
    ),
    "title": "UN Treaty Collection, chapter XVIII-16",
}
BRIEF = {
    "url": "https://globalinitiative.net/analysis/un-cybercrime-treaty-negotiations/",
    "title": (
        "Global Initiative Against Transnational Organized Crime: UN cybercrime treaty "
        "negotiations still poles apart (June 2023 policy brief)"
    ),
}
RES_75_282 = {
    "url": "https://undocs.org/A/RES/75/282",
    "title": "General Assembly resolution 75/282",
}
PRESS_DIGWATCH = {
    "url": "https://dig.watch/processes/un-ad-hoc-committee-on-cybercrime",
    "title": "Digital Watch: UN Ad Hoc Committee on cybercrime (secondary reporting)",
}
PRESS_UNNEWS = {
    "url": "https://news.un.org/en/story/2024/12/1158521",
    "title": "UN News: General Assembly adopts cybercrime convention (secondary reporting)",
}
PRESS_EFF = {
    "url": "https://www.eff.org/issues/un-cybercrime-treaty",
    "title": "EFF: UN cybercrime treaty (secondary reporting)",
}

PROCESS: dict[str, Any] = {
    "slug": "ahc-cybercrime",
    "title": "UN convention against cybercrime (Ad Hoc Committee)",
    "description": (
        "The Ad Hoc Committee that negotiated the convention on countering the use of "
        "information and communications technologies for criminal purposes, now the United "
        "Nations Convention against Cybercrime: sessions, informals, decision rules, drafts, "
        "adoption, signature and entry into force."
    ),
    "timezone": "America/New_York",
    "url": UNODC["url"],
}


def _session(
    number: str,
    title: str,
    date: str,
    location: str,
    summary: str | None = None,
    tags: list[str] | None = None,
    sources: list[dict[str, str]] | None = None,
    status: str = "held",
) -> dict[str, Any]:
    return {
        "kind": "session",
        "title": title,
        "date": date,
        "status": status,
        "location": location,
        "summary": summary,
        "tags": tags or [],
        "sources": sources or [UNODC],
        "attributes": {"number": number, "formal": True},
    }


def _consultation(number: int, date: str, known_on: str) -> tuple[str, list[SeedStep]]:
    ordinal = {1: "First", 2: "Second", 3: "Third", 4: "Fourth", 5: "Fifth"}[number]
    return (
        f"consultation-{number}",
        [
            (
                known_on,
                {
                    "kind": "consultation",
                    "title": f"{ordinal} intersessional consultation with multi-stakeholders",
                    "date": date,
                    "status": "held",
                    "location": "Vienna",
                    "tags": ["multi-stakeholder"],
                    "sources": [UNODC],
                },
            )
        ],
    )


def _informal(key: str, title: str, tags: list[str]) -> tuple[str, list[SeedStep]]:
    return (
        f"informal-{key}",
        [
            (
                "2023-01-20",
                {
                    "kind": "informal",
                    "title": f"Closed informals: {title}",
                    "date": "2023-01-09/2023-01-20",
                    "status": "held",
                    "location": "Vienna",
                    "summary": (
                        "Moved to closed informal meetings during the fourth session because "
                        "there was no basis for consensus in plenary. The exact meeting days "
                        "were not published; the span is the session's."
                    ),
                    "tags": ["informals", *tags],
                    "parent": "@session-4",
                    "sources": [BRIEF],
                },
            )
        ],
    )


def _threshold(
    key: str,
    title: str,
    date: str,
    known_on: str,
    instruments: int,
    proposed_by: list[str],
    summary: str,
    sources: list[dict[str, str]],
) -> tuple[str, list[SeedStep]]:
    return (
        key,
        [
            (
                known_on,
                {
                    "kind": "eif_threshold",
                    "title": title,
                    "date": date,
                    "status": "held",
                    "summary": summary,
                    "tags": ["entry-into-force", "final-provisions"],
                    "sources": sources,
                    "attributes": {
                        "instruments": instruments,
                        "delay_days": 90,
                        "proposed_by": proposed_by,
                        "adopted": False,
                    },
                },
            )
        ],
    )


# Event keys are stable; "@key" inside a document refers to another seeded event.
SEED_EVENTS: list[tuple[str, list[SeedStep]]] = [
    (
        "organizational-session",
        [
            (
                "2021-05-12",
                _session(
                    "organizational",
                    "Organizational session",
                    "2021-05-10/2021-05-12",
                    "New York",
                    "Agreed the outline and modalities of the committee's work.",
                ),
            )
        ],
    ),
    (
        "decision-rule",
        [
            (
                "2021-05-26",
                {
                    "kind": "vote_point",
                    "title": "Decision rule: consensus first, else two-thirds of those voting",
                    "date": "2021-05-26",
                    "status": "held",
                    "summary": (
                        "Decisions on matters of substance are taken by consensus where possible; "
                        "once consensus efforts are exhausted, by a two-thirds majority of the "
                        "representatives present and voting (abstentions do not count)."
                    ),
                    "tags": ["rules-of-procedure"],
                    "sources": [RES_75_282, BRIEF],
                    "attributes": {
                        "rule": "two_thirds_present_voting",
                        "subject": "Substantive decisions of the Ad Hoc Committee",
                    },
                },
            )
        ],
    ),
    (
        "organizational-matters",
        [
            (
                "2022-02-24",
                _session(
                    "organizational matters",
                    "Session on organizational matters",
                    "2022-02-24",
                    "New York",
                ),
            )
        ],
    ),
    (
        "session-1",
        [
            (
                "2022-03-11",
                _session("1", "First session", "2022-02-28/2022-03-11", "New York"),
            )
        ],
    ),
    _consultation(1, "2022-03-24/2022-03-25", "2022-03-25"),
    (
        "session-2",
        [
            (
                "2022-03-11",
                _session(
                    "2", "Second session", "2022-05-30/2022-06-10", "Vienna", status="planned"
                ),
            ),
            ("2022-06-10", {"status": "held"}),
        ],
    ),
    _consultation(2, "2022-06-13/2022-06-14", "2022-06-14"),
    (
        "session-3",
        [
            (
                "2022-03-11",
                _session(
                    "3", "Third session", "2022-08-29/2022-09-09", "New York", status="planned"
                ),
            ),
            ("2022-09-09", {"status": "held"}),
        ],
    ),
    _consultation(3, "2022-11-03/2022-11-04", "2022-11-04"),
    (
        "session-4",
        [
            (
                "2022-03-11",
                _session(
                    "4",
                    "Fourth session",
                    "2023-01-09/2023-01-20",
                    "Vienna",
                    (
                        "Criminalization, general provisions, procedural measures and law "
                        "enforcement. Items without a basis for consensus went to closed "
                        "informals."
                    ),
                    ["criminalization", "procedural-measures", "law-enforcement"],
                    [UNODC, BRIEF],
                    status="planned",
                ),
            ),
            ("2023-01-20", {"status": "held"}),
        ],
    ),
    _informal(
        "cyber-enabled-offences",
        "incitement, extremism, terrorism and other cyber-enabled offences",
        ["incitement", "extremism", "terrorism", "cyber-enabled-offences"],
    ),
    _informal("terminology", "terminology (e.g. defining computer data)", ["terminology"]),
    _informal(
        "sexual-exploitation",
        "articles on online sexual exploitation",
        ["online-sexual-exploitation"],
    ),
    _informal(
        "identity-privacy-copyright",
        "identity-related offences, violation of personal information, copyright infringement",
        ["identity-offences", "personal-information", "copyright"],
    ),
    _informal("jurisdiction", "jurisdiction", ["jurisdiction"]),
    _informal(
        "electronic-evidence",
        (
            "interception of content data, real-time collection of traffic data, admission of "
            "electronic evidence"
        ),
        ["interception-of-content-data", "traffic-data", "electronic-evidence"],
    ),
    _consultation(4, "2023-03-06/2023-03-07", "2023-03-07"),
    (
        "session-5",
        [
            (
                "2022-03-11",
                _session(
                    "5",
                    "Fifth session",
                    "2023-04-11/2023-04-21",
                    "Vienna",
                    (
                        "International cooperation, technical assistance, preventive measures, "
                        "the implementation mechanism, the preamble and final provisions."
                    ),
                    ["international-cooperation", "technical-assistance", "final-provisions"],
                    [UNODC, BRIEF],
                    status="planned",
                ),
            ),
            ("2023-04-21", {"status": "held"}),
        ],
    ),
    _threshold(
        "eif-proposal-70",
        "Entry-into-force proposal: 70 instruments",
        "2023-04-11/2023-04-21",
        "2023-06-15",
        70,
        ["Budapest Convention parties (most)"],
        "Proposed mostly by parties to the Budapest Convention (then 68 parties).",
        [BRIEF],
    ),
    _threshold(
        "eif-proposal-30",
        "Entry-into-force proposal: 30 instruments",
        "2023-04-11/2023-04-21",
        "2023-06-15",
        30,
        ["Russia", "China", "Pakistan", "Iran", "India", "Tanzania", "Chad", "Peru"],
        "Proposed by the states that wanted the convention in force quickly.",
        [BRIEF],
    ),
    _threshold(
        "eif-proposal-40-50",
        "Entry-into-force proposal: 40 to 50 instruments",
        "2023-04-11/2023-04-21",
        "2023-06-15",
        50,
        ["Thailand"],
        (
            "Thailand proposed 40 to 50 instruments; the scenario uses the upper end, since 40 "
            "is the rule finally adopted."
        ),
        [BRIEF],
    ),
    (
        "zero-draft",
        [
            (
                "2023-04-21",
                {
                    "kind": "document",
                    "title": "Zero draft of the convention",
                    "date": "2023-06",
                    "status": "planned",
                    "summary": "The first full negotiating text, to reach states in June 2023.",
                    "tags": ["draft"],
                    "sources": [BRIEF],
                    "attributes": {"symbol": "A/AC.291/22"},
                },
            ),
            (
                "2023-06-30",
                {
                    "status": "held",
                    "summary": (
                        "The first full negotiating text. Released in June 2023; the exact day "
                        "is not confirmed (secondary reporting)."
                    ),
                    "sources": [BRIEF, PRESS_DIGWATCH],
                },
            ),
        ],
    ),
    _consultation(5, "2023-06-20/2023-06-21", "2023-06-21"),
    (
        "session-6",
        [
            (
                "2022-03-11",
                _session(
                    "6",
                    "Sixth session",
                    "2023-08-21/2023-09-01",
                    "New York",
                    "The last in-person negotiation of the zero draft.",
                    ["zero-draft"],
                    [UNODC, BRIEF],
                    status="planned",
                ),
            ),
            ("2023-09-01", {"status": "held"}),
        ],
    ),
    (
        "revised-draft",
        [
            (
                "2023-11-30",
                {
                    "kind": "document",
                    "title": "Revised draft of the convention",
                    "date": "2023-11",
                    "status": "held",
                    "summary": "Released in November 2023; the exact day is not confirmed.",
                    "tags": ["draft"],
                    "sources": [PRESS_DIGWATCH],
                    "attributes": {"symbol": "A/AC.291/22/Rev.1"},
                },
            )
        ],
    ),
    (
        "concluding-session",
        [
            (
                "2022-03-11",
                _session(
                    "concluding",
                    "Concluding session",
                    "2024-01",
                    "New York",
                    "To adopt the final draft of the convention.",
                    ["adoption"],
                    [UNODC, BRIEF],
                    status="planned",
                ),
            ),
            ("2023-09-01", {"date": "2024-01-29/2024-02-09"}),
            (
                "2024-02-09",
                {
                    "status": "suspended",
                    "summary": (
                        "Ended without agreement on the text: the session was suspended, to be "
                        "reconvened later in 2024."
                    ),
                    "sources": [UNODC, PRESS_DIGWATCH],
                },
            ),
        ],
    ),
    (
        "committee-approval",
        [
            (
                "2022-03-11",
                {
                    "kind": "milestone",
                    "title": "The committee approves the draft convention",
                    "date": "2024-01",
                    "status": "planned",
                    "location": "New York",
                    "summary": "Expected at the close of the concluding session.",
                    "tags": ["adoption"],
                    "parent": "@concluding-session",
                    "sources": [UNODC, BRIEF],
                },
            ),
            ("2023-09-01", {"date": "2024-02-09"}),
            (
                "2024-02-09",
                {
                    "status": "postponed",
                    "summary": (
                        "Not reached: the concluding session was suspended without agreement."
                    ),
                },
            ),
            (
                "2024-08-08",
                {
                    "date": "2024-08-08",
                    "status": "held",
                    "parent": "@reconvened-session",
                    "summary": (
                        "Approved by consensus, after recorded votes on proposals to delete "
                        "safeguard provisions all failed (secondary reporting)."
                    ),
                    "sources": [UNODC, PRESS_DIGWATCH, PRESS_EFF],
                },
            ),
        ],
    ),
    (
        "adoption-deadline",
        [
            (
                "2022-03-11",
                {
                    "kind": "deadline",
                    "title": "Final draft adopted by early January 2024",
                    "date": "2024-01-01~/2024-01-10~",
                    "status": "planned",
                    "summary": (
                        "The committee's schedule required the final draft to be adopted in "
                        "early January 2024; the brief warned the timeline would be in doubt "
                        "without movement."
                    ),
                    "tags": ["adoption"],
                    "depends_on": [{"event": "@committee-approval", "lag_days": 0}],
                    "sources": [BRIEF, RES_75_282],
                    "attributes": {"hard": False},
                },
            )
        ],
    ),
    (
        "reconvened-session",
        [
            (
                "2024-02-09",
                _session(
                    "concluding (reconvened)",
                    "Reconvened concluding session",
                    "2024-07-29/2024-08-09",
                    "New York",
                    "The suspended concluding session, reconvened.",
                    ["adoption"],
                    status="planned",
                ),
            ),
            ("2024-08-09", {"status": "held"}),
        ],
    ),
    _threshold(
        "eif-proposal-60",
        "Entry-into-force proposal: 60 instruments",
        "2024-08-01",
        "2024-08-01",
        60,
        ["Mexico", "New Zealand", "Liechtenstein"],
        "Proposed at the reconvened session (secondary reporting).",
        [PRESS_DIGWATCH],
    ),
    _threshold(
        "eif-proposal-30-reconvened",
        "Entry-into-force proposal: 30 instruments (reconvened session)",
        "2024-08-01",
        "2024-08-01",
        30,
        ["Russia", "Iran", "Azerbaijan"],
        "Proposed again at the reconvened session (secondary reporting).",
        [PRESS_DIGWATCH],
    ),
    (
        "eif-rule",
        [
            (
                "2024-08-08",
                {
                    "kind": "eif_threshold",
                    "title": "Entry-into-force rule (Article 65(1)): 40 instruments + 90 days",
                    "date": "2024-08-08",
                    "status": "held",
                    "summary": (
                        "The convention enters into force on the ninetieth day after the date of "
                        "deposit of the fortieth instrument of ratification, acceptance, "
                        "approval or accession."
                    ),
                    "tags": ["entry-into-force", "final-provisions"],
                    "parent": "@reconvened-session",
                    "sources": [UNTC],
                    "attributes": {
                        "instruments": 40,
                        "delay_days": 90,
                        "proposed_by": ["Ad Hoc Committee (adopted text)"],
                        "adopted": True,
                    },
                },
            )
        ],
    ),
    (
        "ga-adoption",
        [
            (
                "2024-12-24",
                {
                    "kind": "milestone",
                    "title": "General Assembly adopts the convention (resolution 79/243)",
                    "date": "2024-12-24",
                    "status": "held",
                    "location": "New York",
                    "summary": "Adopted without a vote.",
                    "tags": ["adoption"],
                    "sources": [UNTC, PRESS_UNNEWS],
                },
            )
        ],
    ),
    (
        "hanoi-signing",
        [
            (
                "2025-10-26",
                {
                    "kind": "signature",
                    "title": "Signing ceremony in Hanoi: 72 signatories",
                    "date": "2025-10-25/2025-10-26",
                    "status": "held",
                    "location": "Hanoi",
                    "summary": (
                        "72 states had signed by the close of the ceremony; the day-one count "
                        "is reported as 64 or 65 (unconfirmed)."
                    ),
                    "tags": ["signature"],
                    "sources": [UNTC, PRESS_DIGWATCH],
                    "attributes": {"count": 72},
                },
            )
        ],
    ),
    (
        "cosp-rules-session",
        [
            (
                "2025-10-26",
                _session(
                    "CoSP rules of procedure",
                    "Committee session on the rules of procedure of the Conference of the "
                    "States Parties",
                    "2026-01-26/2026-01-30",
                    "Vienna",
                    status="planned",
                ),
            ),
            ("2026-01-30", {"status": "held"}),
        ],
    ),
    (
        "signature-period-ends",
        [
            (
                "2024-12-24",
                {
                    "kind": "milestone",
                    "title": "Open for signature at UN Headquarters until 31 December 2026",
                    "date": "2026-12-31",
                    "status": "planned",
                    "location": "New York",
                    "tags": ["signature"],
                    "sources": [UNTC],
                },
            )
        ],
    ),
]


# Negotiation items the June 2023 brief names, with their status histories: (known_on, status).
# The fourth session (January 2023) sent the first group to closed informals; the fifth (April
# 2023) left the cooperation, technical-assistance and implementation chapters contested. None
# is reported settled before the reconvened concluding session approved the text by consensus
# on 2024-08-08: what it kept is "agreed", the offences it left out are "dropped".
SeedItem = tuple[str, str, str, list[tuple[str, str]]]  # key, title, chapter, history

_APPROVED = "2024-08-08"


def _to_informals(key: str, title: str, chapter: str, end: str = "agreed") -> SeedItem:
    return (key, title, chapter, [("2023-01-20", "informals"), (_APPROVED, end)])


def _contested(key: str, title: str, chapter: str, known_on: str = "2023-04-21") -> SeedItem:
    return (key, title, chapter, [(known_on, "open"), (_APPROVED, "agreed")])


ITEMS: list[SeedItem] = [
    _to_informals(
        "cyber-enabled-offences",
        "Incitement, extremism, terrorism and other cyber-enabled offences",
        "Criminalization",
        "dropped",
    ),
    _to_informals(
        "terminology", "Terminology (e.g. the definition of computer data)", "Use of terms"
    ),
    _to_informals(
        "online-sexual-exploitation", "Articles on online sexual exploitation", "Criminalization"
    ),
    _to_informals("identity-offences", "Identity-related offences", "Criminalization", "dropped"),
    _to_informals(
        "personal-information",
        "Violation of personal information",
        "Criminalization",
        "dropped",
    ),
    _to_informals("copyright", "Copyright infringement", "Criminalization", "dropped"),
    _to_informals("jurisdiction", "Jurisdiction", "General provisions"),
    _to_informals(
        "interception-content-data", "Interception of content data", "Procedural measures"
    ),
    _to_informals(
        "real-time-traffic-data", "Real-time collection of traffic data", "Procedural measures"
    ),
    _to_informals(
        "admission-electronic-evidence",
        "Admission of electronic evidence",
        "Procedural measures",
    ),
    _contested("scope-of-crimes", "Scope of crimes", "Criminalization", "2023-01-20"),
    _contested(
        "scope-of-cooperation",
        (
            "Scope of cooperation on electronic evidence: the convention's crimes only, plus "
            "serious crimes (4 years or more), or all crimes"
        ),
        "International cooperation",
    ),
    _contested(
        "article-42-chapeau",
        "Article 42 chapeau: human-rights safeguards",
        "International cooperation",
    ),
    _contested("article-57", "Article 57: data protection", "International cooperation"),
    _contested(
        "article-86",
        "Article 86: principles of technical assistance",
        "Technical assistance",
    ),
    _contested(
        "article-89",
        "Article 89: transparency, accountability and monitoring of technical assistance",
        "Technical assistance",
    ),
    _contested(
        "article-89-10",
        "Article 89.10: monitoring of technical assistance",
        "Technical assistance",
    ),
    _contested("technology-transfer", "Technology transfer", "Technical assistance"),
    _contested("role-of-unodc", "The role of UNODC", "Technical assistance"),
    _contested(
        "service-provider-obligations",
        "Obligations on service providers",
        "International cooperation",
    ),
    _contested(
        "implementation-mechanism",
        (
            "Implementation mechanism: a Conference of the States Parties with UNODC as "
            "secretariat had most support"
        ),
        "Mechanism of implementation",
    ),
    _contested(
        "entry-into-force-threshold",
        "Entry-into-force threshold (30, 40 to 50 or 70 instruments)",
        "Final provisions",
    ),
]


async def load_extra(session: Any, process: Any) -> None:
    """Add the negotiation items, each step in the order it became public (same transaction)."""
    import datetime as dt

    from timeline.clock import utcnow
    from timeline.store.items import create_item, update_item

    steps = sorted(
        (dt.date.fromisoformat(day), order, index, key, title, chapter, status)
        for order, (key, title, chapter, history) in enumerate(ITEMS)
        for index, (day, status) in enumerate(history)
    )
    for day, _, index, key, title, chapter, status in steps:
        if index == 0:
            raw = {"key": key, "title": title, "chapter": chapter, "status": status}
            await create_item(session, process, raw, known_on=day, actor="seed", now=utcnow())
        else:
            await update_item(
                session,
                process,
                key,
                {"status": status},
                expected_version=None,
                known_on=day,
                actor="seed",
                now=utcnow(),
            )
