"""What people see when input or timing is hostile: a message built to be slow, a matching run whose worker stopped."""
import time

from .test_coordinator_browser import cockpit, open_tab
from .test_workspace_browser import make_pair, name_of, open_workspace, program_page, wait_announced

# 1,200 backticks took the partner's workspace 14.6 s to render on every view; nested list markers crashed it.
SLOW_BEFORE = "`" * 1200 + " then " + "- " * 400 + "end"


def test_a_message_built_to_be_slow_shows_as_typed(demo_server, browser, shots):
    learner_login = "learner_09"
    mentor_login = make_pair(demo_server, browser, learner_login)
    root = ".mentoring-workspace-root"
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(program_page(demo_server, learner_login))
    page.get_by_role("heading", name="Your mentor").wait_for()
    open_workspace(page, name_of(demo_server, mentor_login))
    page.get_by_label("New message").fill(SLOW_BEFORE)
    page.get_by_role("button", name="Post the message").click()
    wait_announced(page, "Your message was posted.")

    partner = browser.new_page(viewport={"width": 1280, "height": 900})
    partner.goto(program_page(demo_server, mentor_login))
    started = time.monotonic()
    open_workspace(partner, name_of(demo_server, learner_login))
    print(f"\n[hostile] the partner's workspace with the message opened in {time.monotonic() - started:.2f} s")
    body = partner.locator(".ws-message-body").first
    assert body.inner_text().count("`") == 1200  # shown as typed, not parsed
    assert "end" in body.inner_text() and body.locator("code").count() == 0
    shots.take(partner, "slow-message-as-typed", selector=root)
    assert not shots.violations, shots.violations


def test_a_stalled_matching_run_says_so_and_can_be_started_again(demo_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(program_page(demo_server, "coordinator"))
    (program_id,), = demo_server.query("SELECT id FROM mentoring_xblock_program LIMIT 1")
    demo_server.execute(
        "INSERT INTO mentoring_xblock_matchingrun (program_id, created_by, state, parameters, metrics, progress, "
        "error, created, modified) VALUES (?, 1, 'running', '{}', '{}', 60, '', datetime('now'), "
        "datetime('now', '-2 hours'))", program_id)
    (run_id,), = demo_server.query("SELECT MAX(id) FROM mentoring_xblock_matchingrun")
    open_tab(page, "Matching", "Start a cohort matching run")
    cockpit(page).get_by_text("This stopped responding").wait_for()
    assert cockpit(page).get_by_role("heading", name=f"Run {run_id}: stopped responding").count() == 1
    assert cockpit(page).locator("[data-run-progress]").count() == 0  # no endless "Working…"
    shots.take(page, "stalled-run", selector=".mentoring-coordinator")
    cockpit(page).get_by_role("button", name="Run matching").click()
    cockpit(page).get_by_role("button", name="Publish these pairs").wait_for()  # the new run's draft
    shots.take(page, "stalled-run-replaced", selector=".mentoring-coordinator")
    (state,), = demo_server.query("SELECT state FROM mentoring_xblock_matchingrun WHERE id = ?", run_id)
    assert state == "failed"
    assert not shots.violations, shots.violations
