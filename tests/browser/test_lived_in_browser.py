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


def test_every_action_of_the_program_ends_on_its_result(lived_in_server, browser, shots):
    """Each action reloads the view with focus on its result or the next step, in view, and says what it did."""
    from .test_journey_browser import wait_focus

    def person(username):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(program_page(lived_in_server, username))
        page.locator(".mentoring-block").first.wait_for()
        return page

    def ends_on(page, button, focus, message, fill=None, opens=None):
        """Open ``opens`` (a <summary>), fill ``fill`` ({label: text}), press ``button``: focus and message."""
        if opens:
            page.locator("summary", has_text=opens).click()
        for label, text in (fill or {}).items():
            page.get_by_label(label).fill(text)
        page.get_by_role("button", name=button).first.click()
        wait_focus(page, focus)
        page.locator(".mentoring-status", has_text=message).wait_for()
        return page

    # A mentee withdraws their request: back to the suggestions.
    page = ends_on(person("learner_03"), "Withdraw my request", "Mentors suggested for you",
                   "Your request was withdrawn.")
    shots.take(page, "withdrawn")

    # A mentor declines a request: back on the requests waiting.
    page = person("learner_23")
    mentor_name = page.locator(".mentoring-card").first.locator("h4").inner_text()
    ends_on(page, f"Ask {mentor_name} to mentor me", "Your request", "Your request was sent.")
    (mentor_username,), = lived_in_server.query(
        "SELECT mentor.username FROM mentoring_xblock_mentorshiprequest r JOIN mentoring_xblock_participant mentor "
        "ON r.mentor_id = mentor.id JOIN mentoring_xblock_participant mentee ON r.mentee_id = mentee.id "
        "WHERE mentee.username = ? AND r.state = 'requested'", "learner_23")
    ends_on(person(mentor_username), "Decline", "Requests waiting for your answer", "Your answer was sent.")

    # A mentee proposed a mentor accepts: on their mentor.
    ends_on(person("learner_05"), "Accept this mentor", "Your mentor", "Your answer was sent to the course team.")

    # Another asks to be re-matched (a reason is needed): back in the course team's queue, on that request.
    page = ends_on(person("learner_06"), "Ask to be re-matched", "Your request",
                   "Your answer was sent to the course team.",
                   fill={"If this match does not suit you": "We share no language for meetings."})
    assert "You are in the course team's matching queue." in page.inner_text(".mentoring-block")

    # A mentor pauses new requests: on their status, which says so.
    ends_on(person("mentor_01"), "Pause new requests", "Your mentoring is paused",
            "Your mentoring availability was updated.")

    # A mentee ends their mentorship: on the suggestions for a next mentor.
    page = ends_on(person("learner_01"), "End this mentorship", "Mentors suggested for you",
                   "The mentorship has ended.", opens="End this mentorship",
                   fill={"Why does it end?": "We reached our goals."})
    assert page.get_by_role("heading", name="Past mentorships").is_visible()

    # A mentee still looking joins the course team's queue: on their request.
    ends_on(person("learner_21"), "Ask the course team to match me", "Your request", "You are in the queue.")

    # A mentee leaves the program: on the choice to take part again.
    page = ends_on(person("learner_22"), "Leave the program", "How would you like to take part?",
                   "You left the program.", opens="Leave the program")
    shots.take(page, "left")

    assert shots.violations == [], shots.violations
