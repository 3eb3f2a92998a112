"""Persistence for everything people create at run time in a mentoring program.

Course-authored configuration is content and lives on the XBlocks (it travels in OLX);
``Program.configuration`` only keeps a snapshot of it so that Celery tasks, commands and the
admin can work without loading the block. Rules live in ``mentoring_xblock.services``; the
invariants that must survive concurrent requests are also constraints here:

* one participant row per (program, user);
* a mentee has at most one proposed-or-active match per program (``Match.open_slot`` is
  True while open and NULL afterwards, so a plain unique index enforces it on MySQL,
  which has no partial indexes);
* a mentor never has more open matches than capacity (``Participant.mentee_count`` is kept in
  the same transaction as the match row and checked by a CHECK constraint).

.. pii: Participants hold profile answers, bios, usernames; workspace items hold private text.
.. pii_types: username, biography, other
.. pii_retirement: local_api
"""
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from opaque_keys.edx.django.models import CourseKeyField, UsageKeyField

from . import markup
from .validation import DISPLAY_NAME_MAX


class TimeStamped(models.Model):
    """Created and modified times for every row."""

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    modified = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Program(TimeStamped):
    """One mentoring program in a course, named by a slug; several blocks may point at it.

    .. no_pii:
    """

    course_key = CourseKeyField(max_length=255, db_index=True)
    slug = models.SlugField(max_length=64)
    title = models.CharField(max_length=DISPLAY_NAME_MAX, blank=True)
    # Snapshot of the authored configuration (validated by program_config), refreshed by the blocks.
    configuration = models.JSONField(default=dict, blank=True)
    configuration_hash = models.CharField(max_length=64, blank=True)
    # Settings the course team changed in the LMS cockpit; they take precedence over the authored ones.
    settings_overrides = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["course_key", "slug"], name="mentoring_program_unique_slug"),
        ]

    def __str__(self):
        return f"{self.course_key} / {self.slug}"


class Participant(TimeStamped):
    """A user in a program, as mentee and/or mentor, with their profile.

    .. pii: username snapshot, profile answers, bio, time zone, languages, availability.
    .. pii_types: username, biography, other
    .. pii_retirement: local_api
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        REMOVED = "removed", _("Removed by a coordinator")

    class MentorStatus(models.TextChoices):
        """Where a mentor's application stands ("" for people who are not mentors)."""

        NONE = "", _("Not a mentor")
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        PAUSED = "paused", _("Paused")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="participants")
    user_id = models.IntegerField(db_index=True)
    username = models.CharField(max_length=150, blank=True)
    # The name others see (the LMS full name when it has one), refreshed when the person joins or saves.
    display_name = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    is_mentee = models.BooleanField(default=False)
    mentor_status = models.CharField(max_length=16, choices=MentorStatus.choices, default="", blank=True)
    # Profile: answers to the program's questions (validated against them), plus fixed fields.
    answers = models.JSONField(default=dict, blank=True)
    bio = models.TextField(blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    languages = models.JSONField(default=list, blank=True)
    # Weekly availability: hour-of-week slots 0..167 (Monday 00:00 = 0) in the participant's own time zone.
    availability = models.JSONField(default=list, blank=True)
    seniority = models.PositiveSmallIntegerField(null=True, blank=True)
    exclusion_groups = models.JSONField(default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(default=0)
    # Open (proposed + active) matches as mentor; kept with the match rows in one transaction.
    mentee_count = models.PositiveSmallIntegerField(default=0)
    consent_at = models.DateTimeField(null=True, blank=True)
    profile_completed_at = models.DateTimeField(null=True, blank=True)
    left_reason = models.TextField(blank=True)
    retired = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["program", "user_id"], name="mentoring_participant_unique_user"),
            models.CheckConstraint(
                condition=Q(mentee_count__lte=F("capacity")), name="mentoring_participant_within_capacity"
            ),
            # One role per person and program: a mentee is never also a (pending, approved or paused) mentor.
            models.CheckConstraint(
                condition=Q(is_mentee=False) | Q(mentor_status__in=["", "rejected"]),
                name="mentoring_participant_one_role",
            ),
        ]
        indexes = [models.Index(fields=["program", "status", "mentor_status"])]

    def __str__(self):
        return f"{self.username or self.user_id} in {self.program_id}"

    @property
    def is_mentor(self):
        """True when the participant has asked to mentor and was not rejected."""
        return self.mentor_status in (self.MentorStatus.PENDING, self.MentorStatus.APPROVED,
                                      self.MentorStatus.PAUSED)

    def shown_name(self, fallback=""):
        """The name others see: the LMS full name, else the username, else ``fallback`` (retired accounts)."""
        return self.display_name or self.username or fallback

    @property
    def free_capacity(self):
        """How many more mentees this mentor can take now."""
        return max(self.capacity - self.mentee_count, 0)

    # The one definition of who can be matched, for suggestions, requests, cohort runs, drafts and hand matches.
    @classmethod
    def of_user(cls, program, user_id):
        """The row of user ``user_id`` in ``program`` (any status), or None (also for no user).

        The one lookup of "the caller's participant" that every service and view uses.
        """
        if user_id is None:
            return None
        return cls.objects.filter(program=program, user_id=user_id).first()

    @classmethod
    def matchable_mentor(cls):
        """Active, approved mentors with a complete profile and consent (their places are checked apart)."""
        return Q(status=cls.Status.ACTIVE, mentor_status=cls.MentorStatus.APPROVED, profile_completed_at__isnull=False,
                 consent_at__isnull=False)

    @classmethod
    def available_mentor(cls):
        """Matchable mentors with a free place now."""
        return cls.matchable_mentor() & Q(mentee_count__lt=F("capacity"))

    @classmethod
    def ready_mentee(cls):
        """Active mentees with a complete profile and consent: who can ask, join a run or be matched by hand."""
        return Q(status=cls.Status.ACTIVE, is_mentee=True, profile_completed_at__isnull=False,
                 consent_at__isnull=False)

    # The same two rules for a row in hand (tests/test_coordinator.py checks they agree with the queries).
    @property
    def is_ready_mentee(self):
        """Whether the participant is in ``ready_mentee`` (without a query)."""
        return bool(self.status == self.Status.ACTIVE and self.is_mentee and self.profile_completed_at
                    and self.consent_at)

    @property
    def is_matchable_mentor(self):
        """Whether the participant is in ``matchable_mentor`` (without a query)."""
        return bool(self.status == self.Status.ACTIVE and self.mentor_status == self.MentorStatus.APPROVED
                    and self.profile_completed_at and self.consent_at)


class MentorshipRequest(TimeStamped):
    """A mentee asks one mentor (self-select) or the pool (coordinator matching) for mentoring.

    .. pii: message text.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        """Where a request stands."""

        REQUESTED = "requested", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="requests_made")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True,
                               related_name="requests_received")
    state = models.CharField(max_length=16, choices=State.choices, default=State.REQUESTED)
    message = models.TextField(blank=True)
    response_message = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # True while the request is open, NULL after: one open request per mentee (unique index).
    open_slot = models.BooleanField(null=True, default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentee", "open_slot"], name="mentoring_request_one_open"),
        ]
        indexes = [models.Index(fields=["mentor", "state"])]

    def is_due(self, now):
        """Open but past its date: shown and treated as expired until the scheduled expiry records it."""
        return self.state == self.State.REQUESTED and self.expires_at is not None and self.expires_at <= now

    def shown_state(self, now):
        """The state people read (a request past its date reads as expired)."""
        return self.State.EXPIRED if self.is_due(now) else self.state

    def shown_state_label(self, now):
        """The shown state in words, lower case."""
        return self.State(self.shown_state(now)).label.lower()

    @classmethod
    def waiting(cls, now):
        """Open requests still within their date (what mentors can answer and counts show)."""
        return Q(state=cls.State.REQUESTED) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    @classmethod
    def due(cls, now):
        """``is_due`` as a query: open requests past their date, which the scheduled expiry records."""
        return Q(state=cls.State.REQUESTED, expires_at__lte=now)


class MatchingRun(TimeStamped):
    """A coordinator's whole-cohort matching run: parameters, proposals, metrics; draft until published.

    .. no_pii:
    """

    class State(models.TextChoices):
        """Where a matching run stands."""

        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matching_runs")
    created_by = models.IntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    parameters = models.JSONField(default=dict, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)


class RunProposal(models.Model):
    """One mentee's line in a matching run: the proposed mentor, or why none.

    .. no_pii:
    """

    class Unmatched(models.TextChoices):
        NO_CANDIDATE = "no_candidate", _("No mentor fits the program's rules")
        CAPACITY = "capacity", _("Every suitable mentor is full")
        BELOW_MIN_SCORE = "below_min_score", _("No mentor reaches the minimum score")
        REMOVED = "removed", _("Removed by a coordinator")

    run = models.ForeignKey(MatchingRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    score = models.FloatField(default=0)
    explanation = models.JSONField(default=list, blank=True)
    unmatched_reason = models.CharField(max_length=32, choices=Unmatched.choices, blank=True)
    is_fixed = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="mentoring_proposal_one_per_mentee"),
        ]


class Match(TimeStamped):
    """A mentor and a mentee paired in a program; the anchor of their workspace.

    .. pii: end reason text.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended")

    class Origin(models.TextChoices):
        REQUEST = "request", _("Learner request")
        COORDINATOR = "coordinator", _("Matched by a coordinator")
        RUN = "run", _("Cohort matching run")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="matches")
    mentor = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="matches_as_mentor")
    mentee = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="matches_as_mentee")
    state = models.CharField(max_length=16, choices=State.choices, default=State.PROPOSED)
    origin = models.CharField(max_length=16, choices=Origin.choices)
    created_by = models.IntegerField(null=True, blank=True)
    run = models.ForeignKey(MatchingRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="matches")
    request = models.ForeignKey(MentorshipRequest, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    score = models.FloatField(default=0)
    explanation = models.JSONField(default=list, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    last_activity_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # True while proposed or active, NULL after: one open match per mentee (unique index, MySQL-safe).
    open_slot = models.BooleanField(null=True, default=True)

    class Meta:
        verbose_name_plural = "matches"
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee", "open_slot"], name="mentoring_match_one_open"),
            models.CheckConstraint(condition=~Q(mentor=F("mentee")), name="mentoring_match_not_self"),
        ]
        indexes = [models.Index(fields=["program", "state"])]

    @property
    def is_open(self):
        """Proposed or active."""
        return self.state in (self.State.PROPOSED, self.State.ACTIVE)


class VersionedItem(TimeStamped):
    """A workspace item edited by two people: ``version`` rises on every write (optimistic locking)."""

    match = models.ForeignKey(Match, on_delete=models.CASCADE)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True


class Agreement(VersionedItem):
    """The pair's mentoring agreement; both sign, and a revision clears the signatures.

    .. pii: agreement text written by the pair.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    match = models.OneToOneField(Match, on_delete=models.CASCADE, related_name="agreement")
    expectations = models.TextField(blank=True)
    meeting_frequency = models.CharField(max_length=255, blank=True)
    confidentiality = models.TextField(blank=True)
    duration = models.CharField(max_length=255, blank=True)
    mentor_signed_at = models.DateTimeField(null=True, blank=True)
    mentee_signed_at = models.DateTimeField(null=True, blank=True)


class Goal(VersionedItem):
    """A SMART goal of the pair, optionally pointing at course units.

    .. pii: goal text.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        DROPPED = "dropped", _("Dropped")

    title = models.CharField(max_length=200)
    specific = models.TextField(blank=True)
    measurable = models.TextField(blank=True)
    achievable = models.TextField(blank=True)
    relevant = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField(default=0)
    target_date = models.DateField(null=True, blank=True)
    linked_units = models.JSONField(default=list, blank=True)
    created_by = models.IntegerField(null=True, blank=True)


class ActionItem(VersionedItem):
    """A task under a goal or on its own, owned by the mentor or the mentee.

    .. pii: task text.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class Owner(models.TextChoices):
        MENTOR = "mentor", _("Mentor")
        MENTEE = "mentee", _("Mentee")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="action_items")
    title = models.CharField(max_length=200)
    owner = models.CharField(max_length=8, choices=Owner.choices)
    due_date = models.DateField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)


class Meeting(VersionedItem):
    """A scheduled meeting of the pair, logged afterwards.

    .. pii: agenda, notes, next steps, place.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        HELD = "held", _("Held")
        MISSED = "missed", _("Missed")
        CANCELLED = "cancelled", _("Cancelled")

    starts_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    location = models.CharField(max_length=500, blank=True)
    agenda = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    notes = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    created_by = models.IntegerField(null=True, blank=True)


class Message(TimeStamped):
    """A message or shared note in the pair's conversation.

    Markdown, rendered to sanitised HTML once when it is written (``body_html``, by the rules ``markup.VERSION``
    names in ``render_version``).

    .. pii: message body.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="messages")
    author_id = models.IntegerField()
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    body = models.TextField()
    body_html = models.TextField(blank=True, default="")
    render_version = models.PositiveSmallIntegerField(default=0)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def set_body(self, body):
        """The one way a message's text changes: its HTML is rendered with it, so no view ever renders."""
        self.body = body
        self.body_html = markup.render(body) if body else ""
        self.render_version = markup.VERSION

    def shown_html(self):
        """The stored HTML, or (rendered by an older version's rules, until re-rendered) the text rendered now."""
        return self.body_html if self.render_version == markup.VERSION else markup.render(self.body)


class Resource(TimeStamped):
    """A link shared in the pair, possibly to a unit of the course.

    .. pii: link titles.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, blank=True)
    usage_key = UsageKeyField(max_length=255, blank=True, null=True)
    added_by = models.IntegerField()


class Reflection(TimeStamped):
    """A close-out reflection written by one side when the match ends or completes.

    .. pii: reflection text.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    match = models.ForeignKey(Match, on_delete=models.CASCADE, related_name="reflections")
    author_id = models.IntegerField()
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["match", "author_id"], name="mentoring_reflection_one_per_author"),
        ]


class AssessmentResponse(TimeStamped):
    """One person's answers to one assessment block, about themself or about someone else.

    .. pii: answers and comments.
    .. pii_types: other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="assessment_responses")
    usage_key = UsageKeyField(max_length=255, db_index=True)
    kind = models.CharField(max_length=32)
    respondent = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses_given")
    # Whom the answers are about: the respondent themself for self-assessments (never NULL, so the
    # unique constraint below also holds for self-assessments on MySQL).
    subject = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="responses_about")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # For repeating check-ins: 0, 1, 2, ... one per schedule period.
    period = models.PositiveIntegerField(default=0)
    answers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    # What the answers say, from 0 (every scale at its lowest point) to 1 (every one at its highest): the mean of
    # the scale items. ``score`` is the completion credit (1.0 once submitted), never a judgement.
    result = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["usage_key", "respondent", "subject", "period"],
                                    name="mentoring_response_unique"),
        ]


class ActivityEvent(models.Model):
    """Append-only log of who did what; feeds pair health, the audit view and exports.

    .. pii: the reason text a coordinator wrote.
    .. pii_types: other
    .. pii_retirement: retained
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="events")
    match = models.ForeignKey(Match, on_delete=models.SET_NULL, null=True, blank=True, related_name="events")
    actor_id = models.IntegerField(null=True, blank=True)
    verb = models.CharField(max_length=64)
    object_type = models.CharField(max_length=32, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["program", "verb"]), models.Index(fields=["match", "created"])]


class Notification(TimeStamped):
    """Something that concerns a participant; drives emails and the unread badge.

    .. pii: the names of the people concerned, kept in ``data`` to write the message.
    .. pii_types: name
    .. pii_retirement: local_api
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    data = models.JSONField(default=dict, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "read_at"])]


class ExportJob(TimeStamped):
    """
    A large CSV export built by a Celery worker and kept for download for a few days.

    .. pii: the exported rows (participants, pairs, responses) as CSV text.
    .. pii_types: username, name, other
    .. pii_retirement: local_api
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="exports")
    kind = models.CharField(max_length=32)
    requested_by = models.IntegerField()
    state = models.CharField(max_length=16, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    content = models.TextField(blank=True)
    error = models.TextField(blank=True)
