"""The coordinator approves a mentor, runs cohort matching, edits and publishes it, nudges a quiet pair, exports."""
import csv
import io


def program_page(server, person):
    return f"{server.url}/scenario/mentoring_program.0/?student={person}"


def cockpit(page):
    return page.locator(".mentoring-coordinator")


def done_after(page, action, announced="Done."):
    """Clear the block's live region, act, and wait until the action is announced as done."""
    page.evaluate("document.querySelectorAll('.mentoring-status').forEach(n => { n.textContent = ''; })")
    action()
    page.locator(".mentoring-status", has_text=announced).wait_for()


def open_tab(page, name, ready_text):
    cockpit(page).get_by_role("button", name=name, exact=True).click()
    cockpit(page).get_by_text(ready_text).first.wait_for()


def test_coordinator_runs_the_program(demo_server, browser, shots):
    # A new mentor signs up and waits for approval.
    newcomer = browser.new_page(viewport={"width": 1280, "height": 900})
    newcomer.goto(program_page(demo_server, "browser_mentor"))
    newcomer.get_by_role("button", name="Become a mentor").click()
    newcomer.wait_for_selector("form.mentoring-profile")
    newcomer.get_by_label("Delegation").check()
    newcomer.get_by_label("Director or above").check()
    newcomer.get_by_label("About you (shown to mentees) *").fill("I have led teams for fifteen years.")
    newcomer.get_by_label("Your time zone *").select_option("Europe/Madrid")
    newcomer.get_by_label("English").check()
    newcomer.locator('input[name="consent"]').check()
    newcomer.get_by_role("button", name="Save profile").click()
    newcomer.wait_for_selector("text=Your profile is saved and complete.")

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(program_page(demo_server, "coordinator"))
    cockpit(page).wait_for()
    assert "Mentors waiting for approval" in cockpit(page).inner_text()
    shots.take(page, "overview", selector=".mentoring-coordinator")

    # Approve the mentor from the filtered participants table, with the keyboard.
    open_tab(page, "Participants", "Mentees / capacity")
    cockpit(page).get_by_label("State").select_option("pending")
    cockpit(page).get_by_role("button", name="Filter").click()
    cockpit(page).get_by_text("1 person").wait_for()
    shots.take(page, "pending-mentor", selector=".mentoring-coordinator")
    approve = cockpit(page).get_by_role("button", name="Approve browser_mentor")
    approve.focus()
    done_after(page, lambda: page.keyboard.press("Enter"),
               announced="browser_mentor is approved as a mentor and was told by email.")
    assert (demo_server.query("SELECT mentor_status FROM mentoring_xblock_participant WHERE username = ?",
                              "browser_mentor") == [("approved",)])

    # Run cohort matching, move one mentee to another mentor, publish.
    open_tab(page, "Matching", "Start a cohort matching run")
    cockpit(page).get_by_role("button", name="Run matching").click()
    cockpit(page).get_by_role("button", name="Publish these pairs").wait_for()
    summary = cockpit(page).get_by_text("mentees matched").first.inner_text()
    shots.take(page, "draft", selector=".mentoring-coordinator")
    # A large cohort is solved approximately: the summary then says how close to the best it is.
    demo_server.execute("UPDATE mentoring_xblock_matchingrun "
                        "SET metrics = json_set(metrics, '$.optimality_gap', 0.0123)")
    open_tab(page, "Matching", "Start a cohort matching run")
    cockpit(page).get_by_text("at most 0.012 below the best possible").wait_for()
    shots.take(page, "draft-large-cohort", selector=".mentoring-coordinator")
    # Keep the best pair through a re-solve; take the second mentee out of this round.
    first_row = cockpit(page).locator("tbody tr").first
    first_row.get_by_label("Keep when solving again").check()
    done_after(page, first_row.get_by_role("button", name="Change").click)
    second_row = cockpit(page).locator("tbody tr").nth(1)
    mentee_name = second_row.locator("th").inner_text()
    second_row.get_by_label(f"Mentor for {mentee_name}").select_option(label="No mentor")
    done_after(page, second_row.get_by_role("button", name="Change").click)
    assert "fixed" in cockpit(page).locator("tbody tr").first.inner_text()
    removed = cockpit(page).locator("tbody tr", has_text=mentee_name)
    assert "Removed by a coordinator" in removed.inner_text()
    # Publishing emails many people: it says so and asks first. Said no, nothing happens.
    pairs_in_draft = demo_server.query("SELECT COUNT(*) FROM mentoring_xblock_runproposal WHERE mentor_id IS NOT NULL "
                                       "AND run_id = (SELECT MAX(id) FROM mentoring_xblock_matchingrun)")[0][0]
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    cockpit(page).get_by_role("button", name="Publish these pairs").click()
    page.wait_for_timeout(300)
    assert asked and f"Publish {pairs_in_draft} proposed pairs? {2 * pairs_in_draft} people will be emailed" in asked[0]
    assert demo_server.query("SELECT COUNT(*) FROM mentoring_xblock_match WHERE state = 'proposed'")[0][0] == 0
    page.once("dialog", lambda dialog: dialog.accept())
    cockpit(page).get_by_role("button", name="Publish these pairs").click()
    cockpit(page).get_by_text("Published").first.wait_for()
    shots.take(page, "published", selector=".mentoring-coordinator")
    proposed = demo_server.query("SELECT COUNT(*) FROM mentoring_xblock_match WHERE state = 'proposed'")[0][0]
    assert proposed > 0 and f"{proposed + 1} of" in summary  # one mentee was taken out of the draft

    # A mentee accepts; the pair goes quiet; the coordinator nudges it.
    (mentee, mentee_display), = demo_server.query(
        "SELECT p.username, p.display_name FROM mentoring_xblock_match m JOIN mentoring_xblock_participant p "
        "ON m.mentee_id = p.id WHERE m.state = 'proposed' ORDER BY m.id LIMIT 1")
    learner = browser.new_page(viewport={"width": 1280, "height": 900})
    learner.goto(program_page(demo_server, mentee))
    learner.get_by_role("button", name="Accept this mentor").click()
    learner.get_by_role("heading", name="Your mentor").wait_for()
    demo_server.execute("UPDATE mentoring_xblock_match SET last_activity_at = '2026-01-01 00:00:00' "
                        "WHERE state = 'active'")
    open_tab(page, "Pair health", "Last check-in")
    assert "1 pair is at risk" in cockpit(page).inner_text()
    shots.take(page, "pair-health", selector=".mentoring-coordinator")
    done_after(page, cockpit(page).get_by_role("button", name="Nudge all pairs at risk").click)
    # The coordinator reads the quiet pair's workspace (metadata only, at the program's default privacy).
    cockpit(page).get_by_role("button", name=f"Read the workspace of {mentee_display}'s pair").click()
    workspace = page.locator(".mentoring-workspace-root")
    workspace.locator(".ws-title").wait_for()
    assert page.evaluate("document.activeElement.classList.contains('ws-title')")
    shots.take(page, "coordinator-reads-workspace", selector=".mentoring-workspace-root")
    nudged = demo_server.query("SELECT COUNT(*) FROM mentoring_xblock_activityevent WHERE verb = 'match.nudged'")
    assert nudged == [(1,)]

    # Export participants as CSV.
    open_tab(page, "Overview", "Download")
    with page.expect_download() as download_info:
        cockpit(page).get_by_role("link", name="Participants (CSV)").click()
    content = open(download_info.value.path(), encoding="utf-8").read()
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:3] == ["participant_id", "username", "display_name"] and len(rows) > 50
    # Change a setting for this run from the LMS.
    open_tab(page, "Settings", "Program settings")
    cockpit(page).get_by_label("Days before an unanswered request expires").fill("5")
    done_after(page, cockpit(page).get_by_role("button", name="Save settings").click)
    assert "Changed here" in cockpit(page).inner_text()
    shots.take(page, "settings", selector=".mentoring-coordinator")
    (config,), = demo_server.query("SELECT configuration FROM mentoring_xblock_program WHERE slug = 'leadership'")
    assert '"request_expiry_days": 5' in config

    open_tab(page, "Audit log", "When")
    assert "run.published" not in cockpit(page).inner_text()  # words, not codes
    # Narrowed to matching runs, by keyboard: the publication is there, named, with who did it.
    kind = cockpit(page).get_by_label("Show")
    kind.focus()
    kind.select_option("run")
    cockpit(page).get_by_role("button", name="Filter").press("Enter")
    cockpit(page).get_by_text("joined the program").first.wait_for(state="detached")
    assert "published a matching run" in cockpit(page).inner_text() and "coordinator" in cockpit(page).inner_text()
    shots.take(page, "audit-runs-only", selector=".mentoring-coordinator")
    shots.take(page, "audit", selector=".mentoring-coordinator")

    assert shots.violations == [], shots.violations
