"""Studio editors of both blocks: accessible, operable by keyboard, and they say what is wrong."""


def studio_page(server, scenario):
    return f"{server.url}/scenario/{scenario}/studio_view/?student=coordinator"


def test_program_editor_by_keyboard(demo_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(studio_page(demo_server, "mentoring_program.0"))
    form = page.locator(".mentoring-studio-form")
    form.wait_for()
    shots.take(page, "program-editor", selector=".mentoring-studio")

    # A broken JSON field is refused in the browser, with a message.
    page.get_by_label("Matching criteria and weights (JSON)").fill("{ not json")
    page.get_by_role("button", name="Save").click()
    error = form.locator(".mentoring-form-error")
    error.wait_for()
    assert "could not be read" in error.inner_text()

    # A setting the server refuses names the field.
    page.get_by_label("Matching criteria and weights (JSON)").fill('{"astrology": 2}')
    page.get_by_role("button", name="Save").click()
    form.get_by_text("criteria.astrology").wait_for()
    shots.take(page, "program-editor-error", selector=".mentoring-studio")

    # Fixed, then saved with the keyboard only.
    page.get_by_label("Matching criteria and weights (JSON)").fill('{"topics": 2, "language": 1}')
    name = page.get_by_label("Display name")
    name.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Leadership mentoring, spring cohort")
    page.get_by_role("button", name="Save").focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelector('.mentoring-studio-form .mentoring-form-error').hidden")
    page.goto(f"{demo_server.url}/scenario/mentoring_program.0/author_view/?student=coordinator")
    page.get_by_text("Leadership mentoring, spring cohort").first.wait_for()
    shots.take(page, "program-preview", selector=".mentoring-author")
    assert shots.violations == [], shots.violations


def test_assessment_editor(demo_server, browser, shots):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(studio_page(demo_server, "mentoring_assessment.0"))
    page.locator(".mentoring-studio-form").wait_for()
    shots.take(page, "assessment-editor", selector=".mentoring-studio")
    page.get_by_label("Weight in the grade").fill("250")
    page.get_by_role("button", name="Save").click()
    page.locator(".mentoring-studio-form .mentoring-form-error").wait_for()
    assert "weight" in page.locator(".mentoring-studio-form .mentoring-form-error").inner_text()
    assert page.locator('[data-field="weight"] .mentoring-field-error').is_visible()  # under the weight itself
    page.get_by_label("Weight in the grade").fill("2")

    # Who it counts for follows the kind: a self-assessment offers no grade from the rating and has nobody
    # else to share with; a mentor's rating of the mentee offers both.
    shared = page.locator('[data-field="shared_with_subject"]')
    rating_option = page.locator('select[name="definition.grading"] option[value="subject_result"]')
    assert not shared.is_visible() and rating_option.is_disabled()
    page.get_by_label("Kind").select_option("mentor_rates_mentee")
    assert shared.is_visible() and not rating_option.is_disabled()
    page.get_by_label("Who this counts for in the gradebook").select_option("subject_result")
    page.get_by_label("The person rated reads the submitted answers about them").check()
    shots.take(page, "assessment-editor-rating", selector=".mentoring-studio")
    page.get_by_role("button", name="Save").click()
    page.wait_for_function("() => document.querySelector('.mentoring-studio-form .mentoring-form-error').hidden")
    page.reload()
    page.locator(".mentoring-studio-form").wait_for()
    assert page.get_by_label("Who this counts for in the gradebook").input_value() == "subject_result"
    page.get_by_label("Kind").select_option("self_pre")  # a kind without it: the choice falls back
    assert page.get_by_label("Who this counts for in the gradebook").input_value() == "completion"
    assert shots.violations == [], shots.violations
