"""Hostile user text in the browser: no payload runs (``window.__xss`` stays undefined).

Names, bios and request messages in the program block; names in the assessment block's coordinator view.
"""
XSS = ('<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
       '"><svg onload="window.__xss=3"><a href="javascript:window.__xss=4">x</a>')


def test_hostile_profiles_and_messages_never_run(demo_server, browser):
    demo_server.execute("UPDATE mentoring_xblock_participant SET display_name = ?, bio = ?", XSS[:255], XSS)
    demo_server.execute("UPDATE mentoring_xblock_mentorshiprequest SET message = ?", XSS)
    (mentor,), = demo_server.query("SELECT username FROM mentoring_xblock_participant "
                                   "WHERE mentor_status = 'approved' ORDER BY id LIMIT 1")
    pages = [f"/scenario/mentoring_program.0/?student={person}" for person in ("learner_09", mentor, "coordinator")]
    pages += [f"/scenario/mentoring_assessment.{index}/?student=coordinator" for index in (0, 2)]
    checked = 0
    for path in pages:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(demo_server.url + path)
        page.wait_for_selector(".mentoring-block")
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__xss") == "undefined", path
        checked += 1
        page.close()
    print(f"\n[xss-browser] {checked} pages with hostile names, bios and messages: no script ran")
