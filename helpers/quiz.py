"""A self-check quiz whose answers come from the course's data, with feedback on every choice.

A :class:`Question` has choices, the correct answer, a line of feedback for
each choice, and the ids of the ``data/`` rows (facts ``F…``, events ``E…``)
that source the answer. :func:`check` turns a learner's choice into feedback;
:class:`Quiz` puts questions in ipywidgets and can be driven without a
browser (``quiz.answer(0, "ISPR")``), which is how the tests use it.
:func:`course_questions` builds the course's question bank, reading dates and
numbers from ``data/`` so that an answer changes if its source row does.

>>> q = Question("Who said it?", ("ISPR", "IRNA"), "ISPR",
...              {"ISPR": "ISPR's statement.", "IRNA": "IRNA reported Raisi."}, ("F015",))
>>> check(q, "IRNA")
'Not quite. IRNA reported Raisi. Try another answer.'
"""

from __future__ import annotations

import difflib
import hashlib
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from helpers import data, markup, offices, regional, timeline

if TYPE_CHECKING:
    import pandas as pd

TOPICS = (
    "the visit",
    "the actors",
    "the border",
    "militancy and the January 2024 crisis",
    "regional dynamics",
    "what happened next",
    "reading the news",
    "the 2026 war and mediation",
)
_ID = re.compile(r"[FERX]\d{3}")


@dataclass(frozen=True)
class Question:
    """One multiple-choice question: prompt, choices, answer, feedback per choice, source ids."""

    prompt: str
    choices: tuple[str, ...]
    answer: str
    feedback: Mapping[str, str] = field(hash=False)
    sources: tuple[str, ...]
    topic: str = ""

    def __post_init__(self) -> None:
        problems = []
        if len(self.choices) < 2 or len(set(self.choices)) != len(self.choices):
            problems.append("needs at least two different choices")
        if self.answer not in self.choices:
            problems.append(f"its answer {self.answer!r} is not one of its choices")
        missing = [c for c in self.choices if not self.feedback.get(c, "").strip()]
        if missing:
            problems.append(f"has no feedback for {', '.join(map(repr, missing))}")
        extra = sorted(set(self.feedback) - set(self.choices))
        if extra:
            problems.append(f"has feedback for {', '.join(map(repr, extra))}, not a choice")
        if not self.sources or not all(_ID.fullmatch(s) for s in self.sources):
            problems.append("must cite the ids of its source rows, e.g. ('F015',)")
        if self.topic and self.topic not in TOPICS:
            problems.append(f"has topic {self.topic!r}; use one of {', '.join(TOPICS)}")
        if problems:
            raise ValueError(f"question {self.prompt[:50]!r} " + "; ".join(problems))


def is_correct(question: Question, answer: str) -> bool:
    """True if ``answer`` is the question's answer (it must be one of the choices)."""
    _known_choice(question, answer)
    return answer == question.answer


def _known_choice(question: Question, answer: str) -> None:
    if answer not in question.choices:
        close = difflib.get_close_matches(str(answer), question.choices, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(
            f"{answer!r} is not one of the choices{hint} "
            f"(choices: {', '.join(map(repr, question.choices))})"
        )


def check(question: Question, answer: str) -> str:
    """Feedback for choosing ``answer``: says right or wrong, then that choice's feedback.

    A right answer also cites its sources (Markdown links); a wrong one invites
    another try. An answer that is not a choice raises ValueError.
    """
    if is_correct(question, answer):
        return f"Correct. {question.feedback[answer]} Source: {cite(question.sources)}."
    return f"Not quite. {question.feedback[answer]} Try another answer."


def cite_one(row_id: str) -> str:
    """A Markdown citation for a fact (``F015``), event (``E033``), outlet report (``R005``)
    or estimate (``X030``) id."""
    if row_id.startswith("F"):
        return data.cite(row_id)
    if row_id.startswith("E"):
        row = data.rows_by_id(data.load_events().set_index("id"), [row_id], "event").iloc[0]
        site = timeline.source_site(row["source_url"])
        link = markup.link(f"{site} (event {row_id})", row["source_url"])
        claimant = markup.text(row["claimed_by"])
        return f"claimed by {claimant}, {link}" if claimant else link
    if row_id.startswith("R"):
        reports = data.load_outlet_reports().set_index("id")
        row = data.rows_by_id(reports, [row_id], "outlet report").iloc[0]
        when = data.format_date(row["report_date"]) if row["report_date"] else "undated page"
        return markup.link(f"{row['outlet']}, {when} (report {row_id})", row["source_url"])
    estimates = data.load_estimates().set_index("id")
    if row_id not in estimates.index:
        raise KeyError(f"no fact, event or estimate {row_id!r}")
    row = estimates.loc[row_id]
    return markup.link(row["source_outlet"], row["source_url"])


def cite(ids: Sequence[str]) -> str:
    """Citations for several ids, joined with semicolons."""
    return "; ".join(cite_one(i) for i in ids)


def to_html(markdown: str) -> str:
    """Escape text for a widget and turn ``[text](url)`` links into HTML links."""
    return markup.markdown_to_html(markdown)


# --- building questions from data rows ------------------------------------------------------


def date_question(
    event_id: str, prompt: str, distractor_ids: Sequence[str], topic: str = ""
) -> Question:
    """A "when did this happen?" question built from ``data/events.csv``.

    The answer is the event's date; the other choices are the dates of the
    distractor events, and each wrong choice's feedback says what happened
    on that date (with its id), so a wrong answer still teaches something.
    Choices are listed in date order.
    """
    events = data.load_events().set_index("id")
    ids = [event_id, *distractor_ids]
    rows = data.rows_by_id(events, ids, "event").sort_values("when")
    dates = {row_id: data.format_date(events.at[row_id, "date"]) for row_id in ids}
    if len(set(dates.values())) != len(ids):
        raise ValueError(f"two of the events {ids} share a date; choose other distractors")
    answer = events.loc[event_id]
    feedback = {
        dates[row_id]: (
            f"On {dates[row_id]}: {markup.text(events.at[row_id, 'event'])} ({row_id})."
            if row_id != event_id
            else f"{markup.text(answer['event'])} ({event_id})."
        )
        for row_id in rows.index
    }
    return Question(
        prompt,
        tuple(dates[row_id] for row_id in rows.index),
        dates[event_id],
        feedback,
        (event_id,),
        topic,
    )


# The fact base's published lengths of the Iran-Pakistan border: the seven rows
# notebook 03 compares (F210 is Pakistan's foreign minister's "around 950 km").
BORDER_LENGTH_FACTS = ("F082", "F083", "F084", "F085", "F086", "F087", "F210")


def _border_lengths() -> pd.DataFrame:
    """The border-length facts with their figure in km (column ``km``)."""
    facts = data.rows_by_id(data.load_facts().set_index("id"), BORDER_LENGTH_FACTS, "fact")
    return facts.assign(km=[int(re.sub(r"[^\d]", "", v.split("km")[0])) for v in facts["value"]])


def border_length_range() -> tuple[int, int]:
    """The shortest and longest border lengths the fact base's sources give (km)."""
    km = _border_lengths()["km"]
    return int(km.min()), int(km.max())


def shia_share_range() -> tuple[float, float]:
    """The lowest and highest Shia share of Pakistan (percent) in ``data/estimates.csv``."""
    return regional.overall_range(regional.shia_estimates())


def _mixed(
    prompt: str,
    choices: Sequence[str],
    answer: str,
    feedback: Mapping[str, str],
    sources: Sequence[str],
    topic: str = "",
) -> Question:
    """A Question whose choices are put in a fixed but arbitrary order (not answer first)."""
    order = sorted(choices, key=lambda c: hashlib.sha256(f"{prompt}|{c}".encode()).hexdigest())
    return Question(prompt, tuple(order), answer, feedback, tuple(sources), topic)


def _fact(fact_id: str, column: str) -> str:
    return str(data.fact(fact_id)[column])


def course_questions(topic: str | None = None) -> list[Question]:
    """The course's question bank, optionally for one of ``TOPICS``.

    Dates and numbers in the answers are read from ``data/``; every question
    cites the rows that source its answer.
    """
    if topic is not None and topic not in TOPICS:
        close = difflib.get_close_matches(topic, TOPICS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"no quiz topic {topic!r}{hint} (topics: {', '.join(TOPICS)})")
    return [q for q in _bank() if topic is None or q.topic == topic]


@data.cached_on_data
def _bank() -> list[Question]:
    """Every question, built once per data version (a Question cannot be changed)."""
    questions = _visit() + _actors() + _border() + _militancy()
    questions += _regional() + _next() + _news() + _war()
    return questions


def _visit() -> list[Question]:
    topic = "the visit"
    commanders = "Mohammad Bagheri and Hossein Salami"
    return [
        date_question(
            "E033",
            "On which day did ISPR announce the 'intelligence sharing' pledge, at the end "
            "of Munir's visit?",
            ["E030", "E031", "E034"],
            topic,
        ),
        _mixed(
            "Which two Iranian military commanders did Munir hold talks with on 15 July 2023, "
            "according to IRNA/PTV and The Media Line?",
            (
                commanders,
                "Ebrahim Raisi and Hossein Amir-Abdollahian",
                "Abdolrahim Mousavi and Ali Shamkhani",
                "Majid Mirahmadi and Hassan Kazemi Qomi",
            ),
            commanders,
            {
                commanders: "Bagheri (Chief of General Staff) on Saturday morning, and IRGC "
                "chief Salami the same day.",
                "Ebrahim Raisi and Hossein Amir-Abdollahian": "He met the president and the "
                "foreign minister, who are not military commanders, on Sunday 16 July (F011).",
                "Abdolrahim Mousavi and Ali Shamkhani": "Mehr says Mousavi received him on "
                "arrival (F008); Shamkhani led Iran's side in the Saudi talks (F052).",
                "Majid Mirahmadi and Hassan Kazemi Qomi": "Both held security talks in "
                "Islamabad, in June 2023 (F146) and January 2024 (F353), not in Tehran.",
            },
            ("F005", "F009"),
            topic,
        ),
    ]


def _actors() -> list[Question]:
    topic = "the actors"
    killed = "Bagheri and Salami"
    return [
        _mixed(
            "Whose statement is the source of the article's words 'intelligence sharing'?",
            ("ISPR", "IRNA", "PTI", "London Post"),
            "ISPR",
            {
                "ISPR": "The Pakistani military's media wing said so at the end of the visit.",
                "IRNA": "Iran's agency reported Raisi's lines on border markets and energy "
                "(F018), not this pledge.",
                "PTI": "The Indian wire agency relayed the army's statement (F021); the words "
                "were ISPR's.",
                "London Post": "It hosts the article we study (F143), which repeats the words "
                "without saying whose they are.",
            },
            ("F015",),
            topic,
        ),
        _mixed(
            "Which Iranian officials whom Munir met in July 2023 were killed in Israeli "
            "strikes on 13 June 2025?",
            (killed, "Raisi and Amir-Abdollahian", "Abdolrahim Mousavi", "None of them"),
            killed,
            {
                killed: "Iranian state TV reported Bagheri's death (F044); Salami was killed "
                "in the same strikes (F048).",
                "Raisi and Amir-Abdollahian": "They died earlier, in a helicopter crash on "
                f"{data.format_date(_fact('F040', 'date'))} (F040).",
                "Abdolrahim Mousavi": "He survived and was named Bagheri's successor (F046).",
                "None of them": "Two of them were killed that day (F044, F048).",
            },
            ("F044", "F048"),
            topic,
        ),
        office_question("Foreign Minister", "Iran", topic),
        office_question("Foreign Minister", "Pakistan", topic),
        _disputed_successor(topic),
    ]


def office_question(office: str, country: str, topic: str = "") -> Question:
    """ "Who held this office, as last confirmed?", built from ``data/offices.csv``.

    The choices are the office's holders since the visit; the answer is the
    holder on ``data.facts_run_to()``, and each choice's feedback says when
    that person held the post, citing the fact behind the tenure. The question is
    dated by the latest page confirming the holder (``last_confirmed``), not by the
    horizon, which no single office is known up to.
    """
    rows = offices.chain(office, country)
    held = rows[rows["end"].eq("") | (rows["end"] >= offices.VISIT_DATE)]
    now = offices.holders().set_index(["country", "office"]).loc[(country, office)]
    feedback: dict[str, str] = {}
    as_of = now["last_confirmed"] or data.format_date(data.facts_run_to())
    for _, row in held.iterrows():
        until = (
            f"to {data.format_date(row['end'])}"
            if row["end"]
            else f"and held it as last confirmed on {as_of}"
        )
        start = data.format_date(row["start"])
        text = f"{row['holder']} held it from {start} {until} ({row['fact_id']})."
        earlier = feedback.get(row["holder"])
        feedback[row["holder"]] = f"{earlier} {text}" if earlier else text
    answer_row = rows[rows["id"] == now["id"]].iloc[0]
    return _mixed(
        f"As last confirmed by the course's sources on {as_of}, who was {country}'s "
        f"{office.lower()}?",
        tuple(feedback),
        now["holder"],
        feedback,
        (answer_row["fact_id"],),
        topic,
    )


def _disputed_successor(topic: str) -> Question:
    """Which two names did sources give for Bagheri's successor? Read from the disputed rows."""
    table = offices.table().set_index("id")
    alts = offices.alternatives()
    # a dispute over who (another holder on the same day), not over the day of one appointment
    rival = [
        table.at[a, "holder"] != h
        for a, h in zip(alts["alternative_to"], alts["holder"], strict=True)
    ]
    alt = alts[rival].iloc[0]
    main = table.loc[alt["alternative_to"]]
    pair = f"{main['holder']} and {alt['holder']}"

    def started_that_day(office: str) -> pd.Series:
        held = offices.chain(office, "Iran")
        return held[held["start"] == alt["start"]].iloc[-1]

    army, irgc = started_that_day("Army commander"), started_that_day("IRGC commander")
    wrong1 = f"{main['holder']} and {army['holder']}"
    wrong2 = f"{irgc['holder']} and {army['holder']}"
    return _mixed(
        f"Sources disagree on who became Iran's {alt['office'].lower()} on "
        f"{data.format_date(alt['start'])}. Which two names do they give?",
        (pair, wrong1, wrong2),
        pair,
        {
            pair: f"Most reports name {main['holder']} ({main['fact_id']}, {main['confidence']} "
            f"confidence); one early report named {alt['holder']} ({alt['fact_id']}, "
            f"{alt['confidence']}). The course keeps both rows.",
            wrong1: f"{army['holder']} took {main['holder']}'s old post, army commander "
            f"({army['fact_id']}).",
            wrong2: "They took the other posts emptied that day: "
            f"{irgc['holder']} the IRGC ({irgc['fact_id']}), "
            f"{army['holder']} the army "
            f"({army['fact_id']}).",
        },
        (main["fact_id"], alt["fact_id"]),
        topic,
    )


def _border() -> list[Question]:
    topic = "the border"
    low, high = border_length_range()
    lengths = _border_lengths()
    most = lengths.loc[lengths["confidence"] != "low", "km"]
    answer = (
        f"Sources disagree: most give {most.min():,}-{most.max():,} km; "
        f"low-confidence sources say {low:,} and about {high:,} km"
    )
    crossing = data.load_events().set_index("id").at["E018", "date"]
    return [
        _mixed(
            "How long is the Iran-Pakistan border?",
            ("909 km", "959 km", "700 km", answer),
            answer,
            {
                "909 km": "That is one source's figure (F082); others give 959 km (F083), "
                "800 km (F086) and about 1,000 km (F087).",
                "959 km": "That is Mehr's figure (F083); other sources give 909 km (F082) "
                "and 912 km (F084).",
                "700 km": "That is the length of the wall Iran planned from Taftan to Mand, "
                "not of the border (F096).",
                answer: "No single figure is agreed, so give the range and who says what.",
            },
            BORDER_LENGTH_FACTS,
            topic,
        ),
        _mixed(
            f"Which crossing opened on {data.parse_date(crossing)[0]:%A} "
            f"{data.format_date(crossing)} (Business Recorder's "
            "date; a Financial Tribune report's 'Monday' does not fit it) as the second official "
            "crossing?",
            ("Gabd-Rimdan", "Taftan-Mirjaveh", "Mand-Pishin", "Kuhak-Chadgi"),
            "Gabd-Rimdan",
            {
                "Gabd-Rimdan": "It lies about 70 km from Gwadar and 120 km from Chabahar (F091).",
                "Taftan-Mirjaveh": "That is the first and main crossing (F092).",
                "Mand-Pishin": "A border market opened there on 18 May 2023 (F062).",
                "Kuhak-Chadgi": "It was named as a site for one of the first border markets "
                "(F065).",
            },
            ("F090", "E018"),
            topic,
        ),
    ]


def _militancy() -> list[Question]:
    topic = "militancy and the January 2024 crisis"
    target = "BLA and BLF hideouts in Sistan and Baluchestan"
    liaison = "Military liaison officers in each other's country"
    return [
        date_question(
            "E036",
            "When did Iran strike what it called Jaish al-Adl bases in Panjgur, Balochistan?",
            ["E035", "E038", "E042"],
            topic,
        ),
        _mixed(
            "What did Pakistan's strikes of 18 January 2024 target, according to ISPR?",
            (
                target,
                "Jaish al-Adl bases in Panjgur",
                "TTP camps in Afghanistan",
                "IRGC bases in Zahedan",
            ),
            target,
            {
                target: "ISPR named the BLA and BLF; IRNA said 9 people were killed (F115).",
                "Jaish al-Adl bases in Panjgur": "That is what Iran said it hit two days "
                "earlier, inside Pakistan (F109).",
                "TTP camps in Afghanistan": "Pakistan accuses Kabul of sheltering the TTP "
                "(F352), but the January strikes were in Iran.",
                "IRGC bases in Zahedan": "Pakistan said it struck militants, not Iranian "
                "forces (F114).",
            },
            ("F114",),
            topic,
        ),
        _mixed(
            "What did ISPR say Munir and Amir-Abdollahian agreed on 29 Jan 2024?",
            (
                liaison,
                "A joint border rapid reaction force",
                "A wall along the whole border",
                "Closing every crossing",
            ),
            liaison,
            {
                liaison: "ISPR's account (F120): the first new mechanism the course's data "
                "records after the pledge.",
                "A joint border rapid reaction force": "That was announced in April 2019, by "
                "Imran Khan and Rouhani (F102).",
                "A wall along the whole border": "Iran began its own wall in 2007 (F096); it "
                "was not agreed in 2024.",
                "Closing every crossing": "Balochistan ordered that in June 2025 (F126), and "
                "the Foreign Office denied it (F127).",
            },
            ("F120",),
            topic,
        ),
    ]


def _regional() -> list[Question]:
    topic = "regional dynamics"
    deal = f"Beijing, {data.format_date(_fact('F051', 'date'))}"
    reasons = (
        "Sources say exports without banking channels, such as rice via Zahedan, go unrecorded "
        "in Pakistan"
    )
    low, high = shia_share_range()
    shia = f"No official figure exists; estimates run from {low:g}% to {high:g}%, so give a range"
    ministers = f"Beijing, {data.format_date(_fact('F054', 'date'))}"
    defence_pact = f"Riyadh, {data.format_date(_fact('F132', 'date'))}"
    return [
        _mixed(
            "Where and when was the China-brokered Saudi-Iran deal announced?",
            (deal, ministers, defence_pact),
            deal,
            {
                deal: "Talks ran from 6 to 10 March; embassies were to reopen within two months.",
                ministers: "That is when the two foreign ministers met in Beijing, after the "
                "deal (F054).",
                defence_pact: "That is the Pakistan-Saudi defence pact (F132).",
            },
            ("F051",),
            topic,
        ),
        _mixed(
            "For 2022-23, Iran's statistics record far more Pakistan-Iran trade than "
            "Pakistan's. Why, according to the sources?",
            (
                reasons,
                "Iran counts oil and Pakistan does not",
                "Pakistan's figures include smuggling",
                "Both use the same statistics; the gap is a typo",
            ),
            reasons,
            {
                reasons: "Pakistan recorded zero exports to Iran in FY2021-23 (F076) while "
                "Iran's customs counted about $700m of rice via Zahedan (F361).",
                "Iran counts oil and Pakistan does not": "Iran's $2.3bn is non-oil trade (F072).",
                "Pakistan's figures include smuggling": "The reverse: informal trade goes "
                "unrecorded (F363).",
                "Both use the same statistics; the gap is a typo": "Each country's customs "
                "counts separately, over different years (F364, F072, F076).",
            },
            ("F076", "F361", "F363"),
            topic,
        ),
        _mixed(
            "What share of Pakistanis are Shia?",
            ("10-15%", "20-25%", "6%", shia),
            shia,
            {
                shia: "Pew notes almost no census asks Sunni or Shia affiliation (F056).",
                "10-15%": "That is one estimate (Oxford Dictionary of Islam, Australia's DFAT: "
                "of Muslims, F367); others differ.",
                "20-25%": "That is a Shia community site's figure, a low-confidence source (F368).",
                "6%": "That is a 2012 survey, reported second-hand (low confidence) (F059).",
            },
            ("F056", "F057", "F367", "F368"),
            topic,
        ),
        _mixed(
            "Which port is backed by India and linked to the INSTC corridor?",
            ("Chabahar", "Gwadar", "Ormara"),
            "Chabahar",
            {
                "Chabahar": "India signed a 10-year contract for its Shahid Beheshti terminal "
                "in May 2024 (F357).",
                "Gwadar": "Gwadar is Pakistan's port, part of China's CPEC (F370).",
                "Ormara": "A Pakistani coastal town, in the course for the 2019 bus killings "
                "(F101).",
            },
            ("F095", "F357"),
            topic,
        ),
    ]


def _next() -> list[Question]:
    topic = "what happened next"
    rank = "Field Marshal"
    mechanism = "The Pak-Iran border security mechanism"
    return [
        date_question(
            "E046",
            "When were President Raisi and FM Amir-Abdollahian killed in a helicopter crash?",
            ["E045", "E051", "E056"],
            topic,
        ),
        _mixed(
            f"What did Pakistan's cabinet promote Munir to on "
            f"{data.format_date(_fact('F030', 'date'))}?",
            (rank, "Chief of Defence Forces", "General"),
            rank,
            {
                rank: "He is the second officer to hold the rank, after Ayub Khan (F031).",
                "Chief of Defence Forces": "That post came later, approved on 4 Dec 2025 (F035).",
                "General": "He was already a general as army chief (F028).",
            },
            ("F030",),
            topic,
        ),
        _mixed(
            f"When Iran's foreign minister met Munir on {data.format_date(_fact('F437', 'date'))}, "
            "during the crisis with India, what did ISPR say the two sides reviewed?",
            (mechanism, "The gas pipeline", "India's Chabahar port contract"),
            mechanism,
            {
                mechanism: "ISPR said so (F437), and IRNA relayed ISPR's statement (F438): the "
                "border cooperation the July 2023 pledge was about.",
                "The gas pipeline": "Not what ISPR reported: its statement named the border "
                "security mechanism (F437).",
                "India's Chabahar port contract": "That contract was signed in May 2024 (E165); "
                "ISPR's statement named the border security mechanism (F437).",
            },
            ("F437", "F438"),
            topic,
        ),
        _mixed(
            "Which country offered to mediate between India and Pakistan in April 2025 and "
            "between Pakistan and Afghanistan in October-November 2025?",
            ("Iran", "Qatar", "The United States"),
            "Iran",
            {
                "Iran": "Araghchi offered Iran's good offices to India and Pakistan (F431); "
                "Pezeshkian and Araghchi offered to help with Afghanistan (F443, F444).",
                "Qatar": "Qatar hosted and announced the Pakistan-Afghanistan ceasefire in Doha "
                "(F442), but made no offer between India and Pakistan in the data.",
                "The United States": "Trump announced the India-Pakistan ceasefire (F434); "
                "the data record no US offer between Pakistan and Afghanistan.",
            },
            ("F431", "F443", "F444"),
            topic,
        ),
        _tolls_question(topic),
        date_question(
            "E217",
            "When did the 13th round of Pakistan-Iran political consultations meet in Islamabad?",
            ["E202", "E213", "E060"],
            topic,
        ),
    ]


def _first_number(text: str) -> int:
    match = re.search(r"\d+", text)
    if not match:
        raise ValueError(f"no number in {text!r}")
    return int(match.group())


def _tolls_question(topic: str) -> Question:
    """The two tolls of Pakistani soldiers killed on 11-12 October 2025, read from F439 and F440."""
    pakistan, taliban = _first_number(_fact("F439", "value")), _first_number(_fact("F440", "value"))
    right = f"{pakistan} per Pakistan's army, {taliban} per the Taliban"
    swapped = f"{taliban} per Pakistan's army, {pakistan} per the Taliban"
    same = f"{pakistan}, and both sides agree"
    return _mixed(
        "How many Pakistani soldiers were killed in the border clashes of 11-12 October 2025?",
        (right, swapped, same),
        right,
        {
            right: "ISPR gave its own losses (F439) and the Taliban's spokesman a higher count "
            "(F440); with no independent count, the course keeps both.",
            swapped: "The other way round: Pakistan's army gave the lower count of its own dead "
            "(F439), the Taliban the higher (F440).",
            same: f"They do not agree: the Taliban said {taliban} (F440).",
        },
        ("F439", "F440"),
        topic,
    )


def _news() -> list[Question]:
    topic = "reading the news"
    stitched = "It joins a PTI wire story to Iranian state-media copy"
    return [
        _mixed(
            "The article spells the Iranian president both 'Raisi' and 'Raeisi'. Why?",
            (stitched, "'Raeisi' is a typo", "They are two different people"),
            stitched,
            {
                stitched: "PTI wrote 'Raisi' (R005) and the article copied PTI (F144); Iranian "
                "state media write 'Raeisi' (F145, F041).",
                "'Raeisi' is a typo": "It is the spelling Iranian state media use (F041).",
                "They are two different people": "Both spellings name Ebrahim Raisi (F041).",
            },
            ("R005", "F144", "F145"),
            topic,
        ),
        _mixed(
            "The article is datelined TEHRAN. Where was the PTI report it follows datelined?",
            ("Islamabad", "Tehran", "Quetta"),
            "Islamabad",
            {
                "Islamabad": "The article changed the dateline when it copied the text.",
                "Tehran": "That is the article's dateline, not PTI's (F144).",
                "Quetta": "Munir stopped at Quetta garrison on his way (F024), but no report "
                "in the course is datelined there.",
            },
            ("F021", "F144"),
            topic,
        ),
        _mixed(
            "Which of these sentences in the article is unattributed analysis, not a "
            "reported statement?",
            (
                "Pakistan has the largest Shia population after Iran",
                "Terrorism is a common threat",
                "Iran wants to promote economic ties with Pakistan via secure borders",
            ),
            "Pakistan has the largest Shia population after Iran",
            {
                "Pakistan has the largest Shia population after Iran": "PTI wrote it with no "
                "source (F061), and the article dropped PTI's hedge 'It is believed' (R009).",
                "Terrorism is a common threat": "That is ISPR's statement (F014).",
                "Iran wants to promote economic ties with Pakistan via secure borders": "That "
                "is Raisi, in Iranian state-media copy (F145).",
            },
            ("F061", "R009", "F144"),
            topic,
        ),
    ]


def _war() -> list[Question]:
    """The 2026 war, Pakistan's mediation and the hosts of 2023 (notebook 09), from rows."""
    from helpers import visits, war

    topic = "the 2026 war and mediation"
    strikes, talks, mou = (war.WAR_EVENTS[i][0] for i in (0, 4, 7))
    ceasefire = war.WAR_EVENTS[3][0]
    credited = "Shehbaz Sharif and Asim Munir"
    fates = visits.host_fates("Jul 2023")
    dead = int((fates["status"] == "died").sum())
    last = visits.deaths().set_index("person").loc[fates["person"]]["date"].max()
    all_dead = f"{dead} of {len(fates)}, the last on {data.format_date(last)}"
    iom = _first_number(_fact("F630", "value").replace(",", ""))
    ambassador = _first_number(_fact("F628", "value").replace(",", ""))
    june = _first_number(_fact("F128", "value").replace(",", ""))
    iom_answer = f"About {iom:,}, most of them not Iranians"
    mediators = "Qatar and Pakistan"
    return [
        date_question(
            strikes,
            "When did the United States and Israel begin their strikes on Iran?",
            [ceasefire, talks, mou],
            topic,
        ),
        _mixed(
            "Whom did Trump credit, by name, for the two-week ceasefire of April 2026?",
            (credited, "Qatar's emir", "Ishaq Dar and Marco Rubio"),
            credited,
            {
                credited: "Trump said the ceasefire followed their appeals (F633).",
                "Qatar's emir": "Qatar mediated later, with Pakistan, at Bürgenstock and Doha "
                "(F645, F647); the data name no Qatari credit for April.",
                "Ishaq Dar and Marco Rubio": "Pakistan's foreign minister met the US secretary "
                "of state in Washington in May (F641), after the ceasefire.",
            },
            ("F633",),
            topic,
        ),
        office_question("Supreme Leader", "Iran", topic),
        _mixed(
            "Of the five Iranian officials who met Munir in July 2023, how many had died by "
            f"{data.format_date(data.facts_run_to())}?",
            (all_dead, f"{dead - 1} of {len(fates)}: Mousavi was promoted", "2 of 5"),
            all_dead,
            {
                all_dead: "Raisi and Amir-Abdollahian in May 2024 (F040), Bagheri and Salami "
                "in June 2025 (F044, F048), Mousavi in the strikes of 28 Feb 2026 (F610).",
                f"{dead - 1} of {len(fates)}: Mousavi was promoted": "That was true from June "
                "2025 (F046) until he was killed in the 2026 strikes (F610).",
                "2 of 5": "Two died in May 2024 (F040); three more were killed later "
                "(F044, F048, F610).",
            },
            ("F040", "F044", "F048", "F610"),
            topic,
        ),
        _mixed(
            "How many people crossed from Iran into Pakistan on 1-8 March 2026, by the count "
            "of the International Organization for Migration?",
            (iom_answer, f"About {ambassador:,}, mostly students", f"About {june:,}"),
            iom_answer,
            {
                iom_answer: "About 900 of them were Iranians; the agency saw no large-scale "
                "outflow (F630).",
                f"About {ambassador:,}, mostly students": "That is the Pakistani ambassador's "
                "count of nationals evacuated in the first two days (F628).",
                f"About {june:,}": "That is the number of Pakistanis evacuated during the "
                "June 2025 war (F128).",
            },
            ("F630",),
            topic,
        ),
        _mixed(
            "Who issued the joint statement at Bürgenstock, as mediators, on the roadmap to a "
            "final US-Iran agreement?",
            (mediators, "Pakistan and Saudi Arabia", "Switzerland and Oman"),
            mediators,
            {
                mediators: "The two mediators issued it (F645); they had mediated the "
                "Islamabad memorandum too (F643).",
                "Pakistan and Saudi Arabia": "Saudi Arabia is Pakistan's partner in a defence "
                "pact (F132, F624), not a mediator in the data.",
                "Switzerland and Oman": "Switzerland hosted the meeting at Bürgenstock (F645); "
                "the data name no role for Oman.",
            },
            ("F645",),
            topic,
        ),
        _mixed(
            "In 2025 Iran offered to mediate between India and Pakistan. In 2026, who "
            "mediated between the United States and Iran?",
            ("Pakistan, with Qatar", "Iran's neighbour Afghanistan", "India"),
            "Pakistan, with Qatar",
            {
                "Pakistan, with Qatar": "Pakistan hosted the Islamabad talks (F634) and, with "
                "Qatar, mediated the memorandum (F643): the mediated of 2025 (F431) mediated.",
                "Iran's neighbour Afghanistan": "Pakistan was at open war with Afghanistan's "
                "government in February 2026 (F652).",
                "India": "The data record no Indian role in the US-Iran talks.",
            },
            ("F431", "F634", "F643"),
            topic,
        ),
        _mixed(
            "What did Pakistan's foreign minister say he reminded Iran of, early in the war?",
            (
                "Pakistan's defence agreement with Saudi Arabia",
                "The July 2023 intelligence-sharing pledge",
                "The gas pipeline contract",
            ),
            "Pakistan's defence agreement with Saudi Arabia",
            {
                "Pakistan's defence agreement with Saudi Arabia": "Dar said so (F624); the "
                "agreement was signed in September 2025 (F132).",
                "The July 2023 intelligence-sharing pledge": "That was ISPR's statement of "
                "16 July 2023 (F015); Dar's reminder was about Saudi Arabia (F624).",
                "The gas pipeline contract": "The pipeline is notebook 05's story (F067); "
                "Dar's reminder was about Saudi Arabia (F624).",
            },
            ("F624",),
            topic,
        ),
    ]


def cited_ids(question: Question) -> list[str]:
    """Every row id a question mentions: its sources plus ids named in its feedback."""
    found = list(question.sources)
    for text in question.feedback.values():
        found += _ID.findall(text)
    return list(dict.fromkeys(found))


def answer_key(questions: Sequence[Question]) -> pd.DataFrame:
    """A table of questions, answers and source ids (for teachers and static pages)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "topic": [q.topic for q in questions],
            "question": [q.prompt for q in questions],
            "answer": [q.answer for q in questions],
            "sources": [", ".join(q.sources) for q in questions],
        }
    )


# --- the widget -------------------------------------------------------------------------------


class Quiz:
    """Questions shown as ipywidgets radio buttons, each with a Check button and feedback.

    ``answer(index, choice)`` records a choice and returns its feedback
    whether or not the widget is on screen; the Check button calls it with
    the selected choice. ``score()`` counts right answers so far.
    """

    def __init__(self, questions: Sequence[Question], title: str = ""):
        if not questions:
            raise ValueError("a quiz needs at least one question")
        self.questions = list(questions)
        self.title = title
        self.results: dict[int, tuple[str, bool]] = {}
        self.radios: list[Any] = []
        self.buttons: list[Any] = []
        self.feedback: list[Any] = []
        self.score_label: Any = None

    def answer(self, index: int, choice: str) -> str:
        """Record ``choice`` for question ``index`` (from 0) and return the feedback text."""
        if not 0 <= index < len(self.questions):
            raise IndexError(
                f"no question {index}; this quiz has questions 0 to {len(self.questions) - 1}"
            )
        question = self.questions[index]
        text = check(question, choice)
        self.results[index] = (choice, choice == question.answer)
        if self.feedback:
            colour = "#006B4F" if choice == question.answer else "#A33B00"
            self.feedback[index].value = f'<span style="color:{colour}">{to_html(text)}</span>'
            self.score_label.value = self.score_text()
        return text

    def score(self) -> tuple[int, int]:
        """``(right answers so far, number of questions)``."""
        return sum(ok for _, ok in self.results.values()), len(self.questions)

    def score_text(self) -> str:
        right, total = self.score()
        return f"Score: {right} of {total} right ({len(self.results)} answered)"

    def _check_selected(self, index: int) -> str:
        choice = self.radios[index].value
        if choice is None:
            self.feedback[index].value = "Choose an answer first."
            return "Choose an answer first."
        return self.answer(index, choice)

    def widget(self) -> Any:
        """Build (once) and return the ipywidgets box holding every question."""
        import ipywidgets as w

        if not self.radios:
            for index, question in enumerate(self.questions):
                radio = w.RadioButtons(
                    options=list(question.choices),
                    value=None,
                    layout=w.Layout(width="max-content"),
                )
                button = w.Button(description="Check", button_style="info")
                button.on_click(lambda _button, i=index: self._check_selected(i))
                self.radios.append(radio)
                self.buttons.append(button)
                self.feedback.append(w.HTML(""))
            self.score_label = w.HTML(self.score_text())
        parts: list[Any] = [w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []
        for index, question in enumerate(self.questions):
            parts += [
                w.HTML(f"<p><b>{index + 1}.</b> {html.escape(question.prompt)}</p>"),
                self.radios[index],
                w.HBox([self.buttons[index], self.feedback[index]]),
            ]
        return w.VBox([*parts, self.score_label])

    def show(self) -> None:
        """Display the quiz: ipywidgets where a kernel runs (JupyterLab), and the same
        questions and feedback as static HTML for a page or deck (``static_html``)."""
        from IPython.display import display

        bundle = self.widget()._repr_mimebundle_()
        bundle["text/html"] = self.static_html()
        display(bundle, raw=True)

    def static_html(self) -> str:
        """The quiz for a page with no kernel, driven by the course's script (``course.js``).

        Every choice's feedback is the text ``check`` gives in JupyterLab,
        computed now and embedded, so a page says exactly what the widget says.
        """
        import json

        from helpers.widgets import _script_safe

        # on a page, the ids the feedback cites lead to their rows (the build's data pages)
        ids = data.row_ids()

        quiz_id = hashlib.sha1(
            "|".join([self.title, *(q.prompt for q in self.questions)]).encode()
        ).hexdigest()[:8]
        title = (
            f'<p class="course-quiz-title"><b>{html.escape(self.title)}</b></p>'
            if self.title
            else ""
        )
        blocks, feedback, right = [], [], []
        for index, question in enumerate(self.questions):
            name = f"quiz-{quiz_id}-{index}"
            choices = "".join(
                f'<label><input type="radio" name="{name}" value="{i}"> '
                f"{html.escape(choice)}</label>"
                for i, choice in enumerate(question.choices)
            )
            blocks.append(
                f'<fieldset class="course-quiz-question"><legend><b>{index + 1}.</b> '
                f"{html.escape(question.prompt)}</legend>{choices}"
                '<button type="button" class="course-quiz-check">Check</button>'
                '<div class="course-quiz-feedback" aria-live="polite"></div></fieldset>'
            )
            feedback.append(
                [markup.link_ids(to_html(check(question, c)), ids) for c in question.choices]
            )
            right.append([c == question.answer for c in question.choices])
        answers = _script_safe(
            json.dumps({"feedback": feedback, "right": right}, separators=(",", ":"))
        )
        return (
            f'<div class="course-quiz" data-course-quiz tabindex="0">{title}{"".join(blocks)}'
            f'<p class="course-quiz-score" aria-live="polite">{self.score_text()}</p>'
            f'<script type="application/json" class="course-quiz-data">{answers}</script></div>'
        )
