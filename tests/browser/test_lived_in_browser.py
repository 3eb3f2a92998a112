"""The demo as ``make demo`` serves it: a newcomer finds who to try, and each person finds their story."""
from .test_coordinator_browser import cockpit, open_tab
from .test_journey_browser import program_page


def test_the_start_page_and_each_person_of_the_story(lived_in_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(lived_in_server.url + "/")
    page.get_by_role("heading", name="Who to try").wait_for()
    assert "pair at risk" in page.inner_text("main")
    shots.take(page, "start-page", selector="main")

    # The coordinator's pair health: two active pairs, one at risk, with the reasons from the data.
    page.goto(program_page(lived_in_server, "coordinator"))
    open_tab(page, "Pair health", "Last check-in")
    text = cockpit(page).inner_text()
    assert "1 pair is at risk" in text
    assert "The last check-in says 8% (below 50%)." in text  # (0 + 0.25 + 0) / 3 from learner_02's answers
    assert "No activity for 36 days." in text
    shots.take(page, "pair-health", selector=".mentoring-coordinator")
    open_tab(page, "Matching", "Proposed mentor")
    shots.take(page, "matching", selector=".mentoring-coordinator")

    # The mentee of the healthy pair: their mentor, with the words they wrote when accepting.
    mentee = browser.new_page(viewport={"width": 1280, "height": 900})
    mentee.goto(program_page(lived_in_server, "learner_01"))
    mentee.get_by_role("heading", name="Your mentor").wait_for()
    assert "Welcome! Let's start with what you want from this." in mentee.inner_text(".mentoring-pair")
    shots.take(mentee, "mentee-in-a-pair")

    # The mentee reads what their mentor said about them in the rating block (shared by default).
    mentee.goto(f"{lived_in_server.url}/scenario/mentoring_assessment.2/?student=learner_01")
    mentee.get_by_role("heading", name="What was said about you").wait_for()
    said = mentee.inner_text(".mentoring-shared")
    assert "Clear progress in delegating; next, feedback." in said and "3 · Developing" in said
    shots.take(mentee, "mentee-reads-the-rating")

    # The mentor with a request waiting, with the mentee's message.
    mentor = browser.new_page(viewport={"width": 1280, "height": 900})
    mentor.goto(program_page(lived_in_server, "mentor_03"))
    mentor.get_by_role("heading", name="Requests waiting for your answer").wait_for()
    assert "I lead a new team of five" in mentor.inner_text(".mentoring-card")
    shots.take(mentor, "mentor-with-a-request")

    # A mentee the course team's run proposed a mentor to.
    proposed = browser.new_page(viewport={"width": 1280, "height": 900})
    proposed.goto(program_page(lived_in_server, "learner_05"))
    proposed.get_by_role("heading", name="A mentor is proposed for you").wait_for()
    shots.take(proposed, "mentee-proposed")

    assert shots.violations == [], shots.violations
