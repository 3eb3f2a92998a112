"""A mentee and a mentor work in their workspace: goal, meeting (.ics), messages; markup in a message never runs."""
import datetime
from pathlib import Path

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> **Hello** from the mentee'


def program_page(server, person):
    return f"{server.url}/scenario/mentoring_program.0/?student={person}"


def make_pair(server, browser, learner):
    """The learner asks the first suggested mentor, who accepts; returns the mentor's username."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(program_page(server, learner))
    page.wait_for_selector("text=Mentors suggested for you")
    first = page.locator(".mentoring-card").first
    first.locator("button", has_text="to mentor me").click()
    page.wait_for_selector("text=Waiting for an answer until")
    (mentor,), = server.query(
        "SELECT mentor.username FROM mentoring_xblock_mentorshiprequest r "
        "JOIN mentoring_xblock_participant mentor ON r.mentor_id = mentor.id "
        "JOIN mentoring_xblock_participant mentee ON r.mentee_id = mentee.id "
        "WHERE mentee.username = ? AND r.state = 'requested'", learner)
    page.goto(program_page(server, mentor))
    card = page.locator(".mentoring-card", has=page.locator("h4", has_text=name_of(server, learner)))
    card.locator("button", has_text="Accept").click()
    page.wait_for_selector(".mentoring-pair")
    page.close()
    return mentor


def name_of(server, username):
    """The name people see (the seeded full name)."""
    (name,), = server.query("SELECT COALESCE(NULLIF(display_name, ''), username) FROM mentoring_xblock_participant "
                            "WHERE username = ?", username)
    return name


def open_workspace(page, with_name):
    button = page.get_by_role("button", name=f"Open the workspace with {with_name}")
    button.focus()
    page.keyboard.press("Enter")  # keyboard only
    page.wait_for_selector(".mentoring-workspace-root:not([hidden]) .ws-title")
    assert button.get_attribute("aria-expanded") == "true"
    assert "ws-title" in page.evaluate("document.activeElement.className")


def wait_announced(page, text):
    page.wait_for_function("t => document.querySelector('.mentoring-status').textContent.includes(t)", arg=text)


def test_pair_sets_a_goal_schedules_a_meeting_and_exchanges_messages(demo_server, browser, shots, tmp_path):
    learner_login = "learner_07"
    mentor_login = make_pair(demo_server, browser, learner_login)
    learner, mentor = name_of(demo_server, learner_login), name_of(demo_server, mentor_login)
    root = ".mentoring-workspace-root"

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(program_page(demo_server, learner_login))
    page.get_by_role("heading", name="Your mentor").wait_for()
    open_workspace(page, mentor)
    assert "the course team sees only counts, dates and goal titles" in page.inner_text(root)
    shots.take(page, "mentee-empty-workspace", selector=root)

    # A goal, with the keyboard-reachable disclosure and a validation error first.
    page.locator("summary", has_text="Add a goal").click()
    form = page.locator('form[data-ws-handler="workspace_create_goal"]')
    form.get_by_role("button", name="Add the goal").click()
    form.locator(".mentoring-form-error:not([hidden])").wait_for()
    assert "Fill in the goal's title" in form.inner_text()
    shots.take(page, "goal-validation", selector=root)
    form.get_by_label("Goal (title)").fill("Delegate the weekly report")
    form.get_by_label("Measurable: how will you know?").fill("Two reports written by the team")
    form.get_by_label("Progress (0-100 %)").fill("20")
    form.get_by_role("button", name="Add the goal").click()
    wait_announced(page, "The goal was added.")
    assert "Delegate the weekly report" in page.inner_text(".ws-goal")
    assert "20%" in page.inner_text(".ws-goal")

    # A meeting three days ahead, in the mentee's own time zone, then its .ics file.
    page.locator("summary", has_text="Schedule a meeting").click()
    meeting_form = page.locator('form[data-ws-handler="workspace_schedule_meeting"]')
    day = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    meeting_form.locator('input[name="starts_at"]').fill(f"{day}T10:30")
    meeting_form.get_by_label("Place or video link").fill("https://video.example.com/room")
    meeting_form.get_by_label("Agenda").fill("First steps with delegation")
    meeting_form.get_by_role("button", name="Schedule").click()
    wait_announced(page, "The meeting was scheduled.")
    meeting = page.locator(".ws-meeting").first
    assert "10:30" in meeting.inner_text() and "your time" in meeting.inner_text()
    with page.expect_download() as download_info:
        meeting.get_by_role("link", name="Add to my calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    ics = Path(download.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "DTSTART:" in ics and f"SUMMARY:Mentoring: {mentor} and {learner}" in ics
    assert "First steps with delegation" in ics
    shots.take(page, "goal-and-meeting", selector=root)

    # A message with markup that must not run.
    page.get_by_label("New message").fill(XSS)
    page.get_by_role("button", name="Post the message").click()
    wait_announced(page, "Your message was posted.")
    body = page.locator(".ws-message-body").first
    assert "<script>window.__xss=1</script>" in body.inner_text()
    assert body.locator("strong", has_text="Hello").count() == 1
    assert body.locator("img, script").count() == 0
    assert page.evaluate("window.__xss") is None
    shots.take(page, "mentee-message", selector=root)

    # The mentor sees it all, in their own time zone too, and replies.
    mentor_page = browser.new_page(viewport={"width": 1280, "height": 900})
    mentor_page.goto(program_page(demo_server, mentor_login))
    open_workspace(mentor_page, learner)
    text = mentor_page.inner_text(root)
    assert "Delegate the weekly report" in text and "First steps with delegation" in text
    assert "<script>window.__xss=1</script>" in mentor_page.inner_text(".ws-message-body")
    assert mentor_page.evaluate("window.__xss") is None
    mentor_page.locator("summary", has_text="Reply in this conversation").click()
    mentor_page.get_by_label("Your reply").fill("Great start. Let's talk about *priorities* on the call.")
    mentor_page.get_by_role("button", name="Post the reply").click()
    wait_announced(mentor_page, "Your reply was posted.")
    assert mentor_page.locator(".ws-is-reply em", has_text="priorities").count() == 1
    # The mentor marks progress on the goal.
    mentor_page.locator("summary", has_text="Update the goal").click()
    mentor_page.locator('form[data-ws-handler="workspace_update_goal"]').get_by_label("Progress (0-100 %)").fill("40")
    mentor_page.get_by_role("button", name="Save the goal").click()
    wait_announced(mentor_page, "The goal was updated.")
    shots.take(mentor_page, "mentor-replied", selector=root)

    # The mentee's open form is now stale: saving it is refused with who changed it.
    page.locator("summary", has_text="Update the goal").click()
    stale = page.locator('form[data-ws-handler="workspace_update_goal"]')
    stale.get_by_label("Status").select_option("in_progress")
    stale.get_by_role("button", name="Save the goal").click()
    stale.locator(".mentoring-form-error:not([hidden])").wait_for()
    assert f"changed by {mentor} since you opened it" in stale.inner_text()
    shots.take(page, "stale-edit", selector=root)

    page.reload()
    open_workspace(page, mentor)
    assert "Great start." in page.inner_text(".ws-messages")
    assert "40%" in page.inner_text(".ws-goal")
    assert page.evaluate("window.__xss") is None
    # Closing returns focus to the button that opened it.
    page.get_by_role("button", name="Close the workspace").click()
    assert page.locator(root).is_hidden()
    assert page.evaluate("document.activeElement.getAttribute('data-workspace')") is not None
    shots.take(page, "closed")

    assert shots.violations == [], shots.violations
