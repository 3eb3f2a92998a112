"""A learner completes the before and after self-assessments and sees their growth chart."""
from mentoring_xblock.assessment_config import COMPETENCY_PROMPTS

from .test_journey_browser import wait_focus

LEARNER = "learner_07"


def scenario(server, index, person=LEARNER):
    return f"{server.url}/scenario/mentoring_assessment.{index}/?student={person}"


def rate(page, ratings):
    for competency, label in ratings.items():
        page.locator(f'[data-field="{competency}"]').get_by_label(label, exact=False).check()


def test_learner_completes_both_self_assessments_and_sees_growth(demo_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(scenario(demo_server, 0))
    page.get_by_role("button", name="Save draft").wait_for()
    assert page.locator(".mentoring-scale-set").count() == len(COMPETENCY_PROMPTS)
    shots.take(page, "before-empty")

    # Submitting an empty form says what to fix, next to each question.
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_selector(".mentoring-form-error:not([hidden])")
    assert "Some answers need your attention." in page.inner_text(".mentoring-form-error")
    wait_focus(page, "Some answers need your attention.")  # the summary, with a link to each question
    assert page.locator(".mentoring-form-error a").count() == 5
    assert page.locator('[data-field="delegation"] .mentoring-field-error').is_visible()
    shots.take(page, "before-validation")

    # Rate with the keyboard: focus the first point of the scale and move with the arrow keys.
    page.locator('[data-field="delegation"] input').first.focus()
    page.keyboard.press("ArrowRight")
    assert page.locator('[data-field="delegation"] input[value="2"]').is_checked()
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_selector("text=Your draft is saved.")
    page.reload()
    page.get_by_text("Draft saved, not submitted yet.").wait_for()
    assert page.locator('[data-field="delegation"] input[value="2"]').is_checked()

    rate(page, {"giving_feedback": "Developing", "coaching": "Beginning", "strategic_thinking": "Developing",
                "communication": "Capable"})
    page.get_by_role("button", name="Submit", exact=True).click()
    page.get_by_text("Your answers are submitted. Thank you!").wait_for()
    wait_focus(page, "✓ Submitted on")  # the result of the action, in view (before: the page body)
    assert "Submitted on" in page.inner_text(".mentoring-submitted")
    assert "2 · Beginning" in page.inner_text(".mentoring-answers")
    assert page.get_by_role("button", name="Submit", exact=True).count() == 0
    shots.take(page, "before-submitted")

    page.goto(scenario(demo_server, 1))
    page.get_by_role("button", name="Save draft").wait_for()
    rate(page, {"delegation": "Capable", "giving_feedback": "Strong", "coaching": "Developing",
                "strategic_thinking": "Developing", "communication": "Strong"})
    shots.take(page, "after-filled")
    page.get_by_role("button", name="Submit", exact=True).focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your growth").wait_for()
    chart = page.locator("figure svg[role='img']")
    assert "Delegation: 2 before, 4 after" in chart.get_attribute("aria-label")
    assert page.locator("figure figcaption").is_visible()
    delegation_row = page.locator(".mentoring-growth tbody tr", has_text="Delegation")
    assert delegation_row.locator("td").all_inner_texts()[:3] == ["2", "4", "+2"]
    shots.take(page, "growth-chart")

    assert shots.violations == [], shots.violations


def test_coordinator_sees_the_summary_and_downloads_reports(demo_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page.goto(scenario(demo_server, 0, person="coordinator"))
    page.get_by_role("heading", name="Course team: responses").wait_for()
    shots.take(page, "coordinator-summary")

    with page.expect_download() as download:
        page.get_by_role("link", name="Response rates by kind (CSV)").click()
    assert download.value.suggested_filename == "leadership-rates.csv"
    assert open(download.value.path(), encoding="utf-8-sig").readline().strip() == \
        "kind,expected,drafts,submitted,response_rate"

    record = page.locator("form[data-record]")
    record.get_by_label("One learner's full record: username").fill("nobody_here")
    record.get_by_role("button", name="Download record").click()
    record.locator(".mentoring-form-error:not([hidden])").wait_for()
    assert "Nobody with this username" in record.inner_text()
    shots.take(page, "coordinator-record-error")
    record.get_by_label("One learner's full record: username").fill("learner_01")
    record.get_by_label("Format").select_option("json")
    with page.expect_download() as download:
        record.get_by_role("button", name="Download record").press("Enter")
    assert download.value.suggested_filename == "learner_01-assessments.json"

    other = browser.new_page(viewport={"width": 1280, "height": 900})
    other.goto(scenario(demo_server, 2, person="browser_newcomer"))
    other.get_by_text("Join the program first").wait_for()
    shots.take(other, "newcomer")
    other.goto(scenario(demo_server, 2, person="anonymous"))
    other.get_by_text("Sign in to the course to answer this assessment.").wait_for()

    assert shots.violations == [], shots.violations
