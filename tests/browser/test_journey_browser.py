"""A learner joins, fills the profile, asks a suggested mentor; the mentor accepts; both see the pair."""


def program_page(server, person):
    # The SDK's /scenario/ page (its bare /view/ page lacks the runtime's student id for handler URLs).
    return f"{server.url}/scenario/mentoring_program.0/?student={person}"


FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const box = el.getBoundingClientRect();
  return {text: (el.innerText || el.value || '').trim().slice(0, 120), tag: el.tagName,
          inView: box.top >= -1 && box.bottom <= window.innerHeight + 1};  // sub-pixel scrolling
}"""


def focused(page):
    """The focused element's text and whether it is on screen (None when focus fell to the page body)."""
    return page.evaluate(FOCUSED)


def wait_focus(page, text):
    """Wait until the focused element's text starts with ``text`` and it is on screen; return it."""
    page.wait_for_function("""t => {
      const el = document.activeElement;
      if (!el || !(el.innerText || '').trim().startsWith(t)) { return false; }
      const box = el.getBoundingClientRect();
      return box.top >= -1 && box.bottom <= window.innerHeight + 1;
    }""", arg=text)
    return focused(page)


def test_learner_requests_a_suggested_mentor_and_the_mentor_accepts(demo_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(program_page(demo_server, "browser_learner"))
    page.wait_for_selector("text=How would you like to take part?")
    shots.take(page, "first-visit")

    # Join with the keyboard: focus lands on the profile form's heading (before: the page body).
    page.get_by_role("button", name="Find a mentor").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("form.mentoring-profile")
    wait_focus(page, "Your profile")
    page.locator(".mentoring-status", has_text="Fill in your profile to go on.").wait_for()
    shots.take(page, "empty-profile")
    # The weekly grid on the narrowest phone: every day named in full to a screen reader, shown short, never cut.
    page.set_viewport_size({"width": 320, "height": 900})
    days = page.evaluate("""() => Array.from(document.querySelectorAll('.mentoring-availability th[scope=row]'))
      .map(th => ({shown: Array.from(th.children).filter(span => span.getBoundingClientRect().width > 1)
                             .map(span => span.textContent).join(''),
                   cut: th.scrollWidth > th.clientWidth + 1,
                   read: th.querySelector('.mentoring-day-long').textContent}))""")
    assert [day["shown"] for day in days] == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], days
    assert not any(day["cut"] for day in days) and days[1]["read"] == "Tuesday", days
    page.set_viewport_size({"width": 1280, "height": 900})

    # A complete save without answers shows what to fix once: a summary with a link to each field, and the
    # message under each field; focus goes to the summary.
    page.get_by_role("button", name="Save profile").click()
    page.wait_for_selector(".mentoring-form-error:not([hidden])")
    summary = page.locator("form.mentoring-profile .mentoring-form-error")
    assert "Some answers need your attention." in summary.inner_text()
    wait_focus(page, "Some answers need your attention.")
    assert "need your attention" not in page.locator(".mentoring-status").inner_text()  # not said twice
    assert page.locator('[data-field="answers.goals"] .mentoring-field-error').is_visible()
    assert page.locator('[data-field="consent"] .mentoring-field-error').is_visible()
    links = summary.locator("a")
    assert links.count() >= 3
    consent_link = summary.locator("a", has_text="Agree to share your profile")
    consent_link.first.focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.name") == "consent"
    shots.take(page, "validation-messages")

    page.get_by_label("Delegation").check()
    page.get_by_label("Coaching others").check()
    page.get_by_label("Team lead").check()
    page.get_by_label("Your time zone *").select_option("Europe/Madrid")
    page.get_by_label("English").check()
    page.get_by_label("Spanish").check()
    page.get_by_label("Tuesday, 08:00 to 12:00").check()
    page.get_by_label("About you (shown to mentors)").fill("New team lead <b>learning</b> to delegate.")
    page.locator('input[name="consent"]').check()
    page.get_by_role("button", name="Save profile").click()
    # The newly complete profile leads on: the suggestions appear, focused and in view (before: the learner
    # stayed on the form and had to reload).
    wait_focus(page, "Mentors suggested for you")
    page.locator(".mentoring-status", has_text="Your profile is saved and complete.").wait_for()
    cards = page.locator(".mentoring-card")
    assert cards.count() >= 1
    first = cards.first
    assert first.locator(".mentoring-reasons li").count() >= 1
    mentor_name = first.locator("h4").inner_text()
    shots.take(page, "suggestions")

    first.get_by_label("A short message (optional)").fill("I would love help with delegation.")
    first.get_by_role("button", name=f"Ask {mentor_name} to mentor me").click()
    page.wait_for_selector(f"text=You asked {mentor_name} to be your mentor")
    wait_focus(page, "Your request")
    shots.take(page, "request-pending")

    (mentor_username,), = demo_server.query(
        "SELECT mentor.username FROM mentoring_xblock_mentorshiprequest r "
        "JOIN mentoring_xblock_participant mentor ON r.mentor_id = mentor.id "
        "JOIN mentoring_xblock_participant mentee ON r.mentee_id = mentee.id "
        "WHERE mentee.username = ? AND r.state = 'requested'", "browser_learner")

    mentor_page = browser.new_page(viewport={"width": 1280, "height": 900})
    mentor_page.goto(program_page(demo_server, mentor_username))
    mentor_page.wait_for_selector("text=Requests waiting for your answer")
    request_card = mentor_page.locator(".mentoring-card", has_text="browser_learner")
    assert "I would love help with delegation." in request_card.inner_text()
    shots.take(mentor_page, "mentor-sees-request")
    request_card.get_by_label("Message to the mentee (optional)").fill("Happy to help. Talk soon!")
    request_card.get_by_role("button", name="Accept browser_learner").click()
    mentor_page.wait_for_selector(".mentoring-pair", state="visible")
    assert "browser_learner" in mentor_page.inner_text(".mentoring-pair")
    mentor_page.locator(".mentoring-status", has_text="Your answer was sent.").wait_for()
    wait_focus(mentor_page, "Your mentees")
    shots.take(mentor_page, "mentor-sees-pair")

    page.goto(program_page(demo_server, "browser_learner"))
    page.get_by_role("heading", name="Your mentor").wait_for()
    assert mentor_name in page.inner_text(".mentoring-pair")
    assert "New team lead <b>learning</b>" not in page.content()  # user text is escaped
    shots.take(page, "learner-sees-pair")

    assert shots.violations == [], shots.violations


def test_the_time_zone_is_chosen_from_the_browser_and_listed_by_place(demo_server, browser, shots):
    """Before: 555 raw IANA names with aliases, nothing preselected."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.goto(program_page(demo_server, "browser_tokyo"))
    page.get_by_role("button", name="Find a mentor").click()
    page.wait_for_selector("form.mentoring-profile")
    picker = page.get_by_label("Your time zone *")
    assert picker.input_value() == "Asia/Tokyo"  # the browser's zone, before anything was saved
    values = picker.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert not [v for v in values if v.startswith(("US/", "Etc/", "Brazil/", "Canada/"))]
    assert "Europe/Madrid" in values and len(values) < 555
    assert picker.locator("optgroup[label='Asia'] option[value='Asia/Tokyo']").inner_text() == "Tokyo"
    shots.take(page, "time-zone-from-browser")
    assert not shots.violations, shots.violations
    context.close()
