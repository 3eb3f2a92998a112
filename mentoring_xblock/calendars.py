"""A meeting of the pair workspace as an iCalendar file (.ics), in UTC."""
import datetime
import hashlib
import re

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event


def meeting_uid(meeting, match, host):
    """The meeting's iCalendar UID: the same at every download, different for every meeting anywhere.

    Calendars merge events with the same UID, so it names the meeting, its course run and program, and the site.
    """
    scope = f"{match.program.course_key}/{match.program.slug}/{meeting.pk}"
    digest = hashlib.sha256(scope.encode("utf-8")).hexdigest()[:16]
    host = re.sub(r"[^A-Za-z0-9.-]", "", (host or "").split(":")[0]) or "mentoring-xblock"
    return f"mentoring-meeting-{meeting.pk}-{digest}@{host}"


def meeting_calendar(meeting, match, show_private, host=""):
    """The .ics text of one meeting (an iCalendar VEVENT in UTC)."""
    calendar = Calendar()
    calendar.add("prodid", "-//mentoring_xblock//Mentoring workspace//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", meeting_uid(meeting, match, host))
    event.add("dtstamp", timezone.now().astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", (meeting.starts_at + datetime.timedelta(minutes=meeting.duration_minutes))
              .astimezone(datetime.UTC))
    event.add("sequence", meeting.version)
    event.add("summary", _("Mentoring: {mentor} and {mentee}").format(
        mentor=match.mentor.shown_name(_("a participant")), mentee=match.mentee.shown_name(_("a participant"))))
    if meeting.status == meeting.Status.CANCELLED:
        event.add("status", "CANCELLED")
    if show_private and meeting.location:
        event.add("location", meeting.location)
    if show_private and meeting.agenda:
        event.add("description", meeting.agenda)
    calendar.add_component(event)
    return calendar.to_ical()
