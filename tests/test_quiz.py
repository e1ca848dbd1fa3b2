"""helpers.quiz: sourced questions, feedback on every choice, and a widget driven directly."""

import re

import pytest

from helpers import data, quiz
from helpers.quiz import Question

QUESTIONS = quiz.course_questions()


def _known_ids() -> set[str]:
    ids = set(data.load_facts()["id"]) | set(data.load_events()["id"])
    return ids | set(data.load_estimates()["id"]) | set(data.load_outlet_reports()["id"])


def _simple(**changes):
    fields = {
        "prompt": "Who said it?",
        "choices": ("ISPR", "IRNA"),
        "answer": "ISPR",
        "feedback": {"ISPR": "The army's media wing.", "IRNA": "Iran's agency."},
        "sources": ("F015",),
    }
    return Question(**(fields | changes))


# --- the question bank ------------------------------------------------------------------------


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.prompt[:40] for q in QUESTIONS])
def test_every_answer_is_a_choice_with_feedback(question):
    assert question.answer in question.choices
    assert set(question.feedback) == set(question.choices)
    assert all(text.strip() for text in question.feedback.values())


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.prompt[:40] for q in QUESTIONS])
def test_every_cited_id_exists_in_the_data(question):
    assert question.sources
    missing = set(quiz.cited_ids(question)) - _known_ids()
    assert not missing, f"{question.prompt!r} cites unknown ids {sorted(missing)}"


def test_every_topic_of_the_course_has_questions():
    for topic in quiz.TOPICS:
        assert quiz.course_questions(topic), topic
    assert len(QUESTIONS) == sum(len(quiz.course_questions(t)) for t in quiz.TOPICS)


def test_answers_are_not_always_in_the_same_position():
    positions = {q.choices.index(q.answer) for q in QUESTIONS}
    assert len(positions) >= 3


def test_unknown_topic_suggests_one():
    with pytest.raises(ValueError, match="no quiz topic 'the bordr'; did you mean 'the border'"):
        quiz.course_questions("the bordr")


# --- answers read from the data ---------------------------------------------------------------


def test_date_question_answer_and_feedback_come_from_events():
    question = quiz.date_question("E036", "When?", ["E035", "E038"])
    events = data.load_events().set_index("id")
    assert question.answer == data.format_date(events.at["E036", "date"])
    wrong = data.format_date(events.at["E038", "date"])
    assert "(E038)" in question.feedback[wrong]
    assert events.at["E038", "event"] in question.feedback[wrong]
    # choices are in date order
    whens = [events.at[i, "when"] for i in ("E035", "E036", "E038")]
    assert list(question.choices) == [
        data.format_date(events.at[i, "date"]) for i in ("E035", "E036", "E038")
    ]
    assert whens == sorted(whens)


def test_date_question_rejects_unknown_events_and_shared_dates():
    with pytest.raises(KeyError, match="no event 'E999'"):
        quiz.date_question("E999", "When?", ["E035"])
    with pytest.raises(ValueError, match="share a date"):
        quiz.date_question("E036", "When?", ["E036"])


def test_border_question_states_the_range_of_the_sources():
    # the same seven rows notebook 03 compares
    assert len(quiz.BORDER_LENGTH_FACTS) == 7 and "F210" in quiz.BORDER_LENGTH_FACTS
    values = [data.fact(fact_id)["value"] for fact_id in quiz.BORDER_LENGTH_FACTS]
    numbers = [int(re.sub(r"\D", "", v.split("km")[0])) for v in values]
    assert quiz.border_length_range() == (min(numbers), max(numbers))
    question = quiz.course_questions("the border")[0]
    assert f"{min(numbers):,}" in question.answer and f"{max(numbers):,}" in question.answer


def test_shia_range_matches_the_estimates_file():
    estimates = data.load_estimates()
    shares = estimates[estimates["quantity"].str.startswith("Shia share")]
    low, high = quiz.shia_share_range()
    assert low == shares["low"].min()
    assert high == shares["high"].fillna(shares["low"]).max()


# --- check() and feedback ---------------------------------------------------------------------


def test_right_answer_says_so_and_cites_every_source():
    question = QUESTIONS[0]
    text = quiz.check(question, question.answer)
    assert text.startswith("Correct.")
    assert question.feedback[question.answer] in text
    for row_id in question.sources:
        url = (
            data.fact(row_id)["source_url"]
            if row_id.startswith("F")
            else data.load_events().set_index("id").at[row_id, "source_url"]
        )
        assert f"]({url})" in text


@pytest.mark.parametrize("question", QUESTIONS[:6], ids=[q.prompt[:40] for q in QUESTIONS[:6]])
def test_wrong_answers_get_their_own_feedback(question):
    for choice in question.choices:
        if choice != question.answer:
            text = quiz.check(question, choice)
            assert text.startswith("Not quite.")
            assert question.feedback[choice] in text
            assert "Try another answer" in text


def test_an_answer_that_is_not_a_choice_is_a_clear_error():
    with pytest.raises(ValueError, match="'ISRP' is not one of the choices; did you mean 'ISPR'"):
        quiz.check(_simple(), "ISRP")


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"answer": "PTI"}, "its answer 'PTI' is not one of its choices"),
        ({"feedback": {"ISPR": "yes"}}, "has no feedback for 'IRNA'"),
        ({"sources": ()}, "must cite the ids of its source rows"),
        ({"sources": ("Dawn",)}, "must cite the ids of its source rows"),
        ({"choices": ("ISPR",), "feedback": {"ISPR": "x"}}, "at least two different choices"),
        ({"topic": "sport"}, "has topic 'sport'"),
    ],
)
def test_a_malformed_question_is_refused(changes, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        _simple(**changes)


def test_cite_handles_facts_events_reports_and_estimates():
    assert quiz.cite_one("F015") == data.cite("F015")
    assert "(event E033)" in quiz.cite_one("E033")
    report = data.load_outlet_reports().set_index("id").loc["R005"]
    assert quiz.cite_one("R005").startswith(f"[{report['outlet']}, ")
    assert report["source_url"] in quiz.cite_one("R005")
    with pytest.raises(KeyError, match="no outlet report 'R999'"):
        quiz.cite_one("R999")
    estimate = data.load_estimates().iloc[0]
    assert estimate["source_url"] in quiz.cite_one(estimate["id"])
    with pytest.raises(KeyError, match="did you mean"):
        quiz.cite_one("E0333")


def test_to_html_escapes_and_links():
    html = quiz.to_html("a < b [Dawn, 16 Jul 2023](https://www.dawn.com/x)")
    assert html == (
        'a &lt; b <a href="https://www.dawn.com/x" target="_blank" rel="noopener">'
        "Dawn, 16 Jul 2023</a>"
    )


def test_answer_key_lists_every_question():
    key = quiz.answer_key(QUESTIONS)
    assert list(key["answer"]) == [q.answer for q in QUESTIONS]
    assert all(key["sources"])


# --- the widget -------------------------------------------------------------------------------


def test_quiz_answer_works_without_a_widget_and_keeps_score():
    q = quiz.Quiz(QUESTIONS[:3])
    wrong = next(c for c in QUESTIONS[0].choices if c != QUESTIONS[0].answer)
    assert q.answer(0, wrong).startswith("Not quite.")
    assert q.score() == (0, 3)
    assert q.answer(0, QUESTIONS[0].answer).startswith("Correct.")
    assert q.answer(1, QUESTIONS[1].answer).startswith("Correct.")
    assert q.score() == (2, 3)
    with pytest.raises(IndexError, match="no question 3; this quiz has questions 0 to 2"):
        q.answer(3, "x")


def test_check_buttons_drive_the_feedback():
    q = quiz.Quiz(QUESTIONS[:2], title="Try it")
    box = q.widget()
    assert len(q.radios) == len(q.buttons) == len(q.feedback) == 2
    assert box.children  # built
    q.buttons[1].click()  # nothing chosen yet
    assert q.feedback[1].value == "Choose an answer first."
    wrong = next(c for c in QUESTIONS[0].choices if c != QUESTIONS[0].answer)
    q.radios[0].value = wrong
    q.buttons[0].click()
    assert "Not quite." in q.feedback[0].value
    assert quiz.to_html(QUESTIONS[0].feedback[wrong]) in q.feedback[0].value
    q.radios[0].value = QUESTIONS[0].answer
    q.buttons[0].click()
    assert "Correct." in q.feedback[0].value and "<a href=" in q.feedback[0].value
    assert q.score_label.value == "Score: 1 of 2 right (1 answered)"
    assert q.widget() is not box  # rebuilt box, same controls
    assert len(q.radios) == 2


def test_show_displays_the_widget(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
    quiz.Quiz(QUESTIONS[:1]).show()
    assert len(shown) == 1


def test_an_empty_quiz_is_refused():
    with pytest.raises(ValueError, match="at least one question"):
        quiz.Quiz([])


# --- offices then and now, and the 2025 context -----------------------------------------------


def test_office_question_answers_with_the_holder_as_of_the_data():
    from helpers import offices

    question = quiz.office_question("Foreign Minister", "Iran", "the actors")
    now = offices.holders().set_index(["country", "office"]).loc[("Iran", "Foreign Minister")]
    assert question.answer == now["holder"]
    # dated by the latest page confirming the holder, not by the horizon
    assert f"last confirmed by the course's sources on {now['last_confirmed']}" in question.prompt
    # every holder since the visit is a choice, and its feedback cites the tenure's fact
    chain = offices.chain("Foreign Minister", "Iran")
    since = chain[chain["end"].eq("") | (chain["end"] >= offices.VISIT_DATE)]
    assert set(question.choices) == set(since["holder"])
    for _, row in since.iterrows():
        assert f"({row['fact_id']})" in question.feedback[row["holder"]]


def test_the_disputed_successor_question_names_both_reports():
    question = next(q for q in quiz.course_questions("the actors") if "disagree" in q.prompt)
    alts = quiz.offices.alternatives()
    alt = alts[alts["holder"] == "Habibollah Sayyari"].iloc[0]  # who, not when, is disputed
    assert alt["holder"] in question.answer
    assert alt["fact_id"] in question.sources
    # the wrong choices name the posts filled on the disputed day, not their later holders
    started = quiz.offices.changes(after="2025-06-12", until=alt["start"])
    named = "|".join(question.choices)
    assert set(started["holder"]) - {alt["holder"]} <= set(named.replace(" and ", "|").split("|"))


def test_the_tolls_question_reads_both_sides_numbers():
    question = next(
        q for q in quiz.course_questions("what happened next") if "soldiers" in q.prompt
    )
    pakistan = re.search(r"\d+", data.fact("F439")["value"]).group()
    taliban = re.search(r"\d+", data.fact("F440")["value"]).group()
    assert question.answer.startswith(pakistan) and taliban in question.answer
    assert set(question.sources) == {"F439", "F440"}


def test_feedback_names_the_claimant_of_a_cited_claim():
    # a question citing ISPR's claim (F114) says whose claim it is, fact or event
    question = next(q for q in quiz.course_questions() if "F114" in q.sources)
    assert "claimed by ISPR" in quiz.check(question, question.answer)
    assert quiz.cite_one("E024").startswith("claimed by ISPR, [")
    assert not quiz.cite_one("E039").startswith("claimed by")


def test_the_static_quiz_gives_the_same_feedback_as_the_widget():
    import json
    import re

    questions = quiz.course_questions("the visit")[:2]
    page = quiz.Quiz(questions, title="Visit <quiz>").static_html()
    assert "Visit &lt;quiz&gt;" in page
    bank = json.loads(re.search(r'class="course-quiz-data">(.*?)</script>', page, re.S).group(1))
    for index, question in enumerate(questions):
        for choice_index, choice in enumerate(question.choices):
            shown = bank["feedback"][index][choice_index]
            # the same feedback, its row ids linked to the data pages
            assert re.sub(r'<a href="\.\./data/[^"]+">([^<]+)</a>', r"\1", shown) == (
                quiz.to_html(quiz.check(question, choice))
            )
            assert bank["right"][index][choice_index] == (choice == question.answer)
    assert page.count('type="radio"') == sum(len(q.choices) for q in questions)
    assert "Score: 0 of 2 right (0 answered)" in page
