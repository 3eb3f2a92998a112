"""
Whole-cohort matching runs: start, execute (in process or on Celery), edit the draft, publish, discard.

A run loads the cohort with a constant number of queries, scores and solves with the engine,
and stores its proposals (one row per mentee: the proposed mentor with score and explanation, or
why none) with bulk writes. Publishing re-checks every pair under row locks and creates proposed
matches in one transaction: either every pair is published or none is.
"""
import logging
import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import matching, policy
from ..conf import setting
from ..domain import matching as matching_service
from ..domain.activity import record_event
from ..domain.jobs import ACTIVE_RUN_STATES, is_stalled, stalled_message
from ..domain.pairs import lock_participants
from ..errors import Conflict, NotFound, ValidationError
from ..models import Match, MatchingRun, Participant, RunProposal
from ..program_config import BASE_CRITERIA
from ..validation import is_number, is_whole
from . import jobs
from .mentorship import open_match
from .notifications import notify, pair_names
from .programs import save_snapshot

log = logging.getLogger(__name__)
OBJECTIVES = ("participation", "score")


def clean_parameters(config, raw):
    """Validate a run's parameters: objective, minimum score, top k, weight overrides."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValidationError(_("Send the run's settings as a JSON object."))
    errors, params = {}, {}
    objective = raw.get("objective", "participation")
    if objective not in OBJECTIVES:
        errors["objective"] = _('Choose "participation" (match as many as possible) or "score" (best fits).')
    params["objective"] = objective
    min_score = raw.get("min_score")
    if min_score in (None, ""):
        params["min_score"] = None
    elif not is_number(min_score) or not 0 <= min_score <= 1:
        errors["min_score"] = _("The minimum score is a number from 0 to 1 (for example 0.3), or empty.")
    else:
        params["min_score"] = float(min_score)
    top_k = raw.get("top_k", 30)
    if not is_whole(top_k) or not 1 <= top_k <= 500:
        errors["top_k"] = _("Candidates per mentee must be a whole number from 1 to 500.")
    params["top_k"] = top_k
    weights = raw.get("weights", {})
    choice_ids = {q["id"] for q in config["questions"] if q["match"] == "choice"}
    if not isinstance(weights, dict):
        errors["weights"] = _("Send the weights as an object of criterion names and numbers.")
        weights = {}
    clean_weights = dict(config["criteria"])
    for name, weight in weights.items():
        if name not in BASE_CRITERIA and name not in choice_ids:
            errors[f"weights.{name}"] = _("This is not one of the program's criteria.")
        elif not is_number(weight) or not 0 <= weight <= 10:
            errors[f"weights.{name}"] = _("A weight is a number from 0 to 10.")
        else:
            clean_weights[name] = float(weight)
    if not errors and not any(clean_weights.values()):
        errors["weights"] = _("At least one criterion needs a weight above 0.")
    params["weights"] = clean_weights
    unknown = sorted(set(raw) - {"objective", "min_score", "top_k", "weights"})
    for key in unknown:
        errors[key] = _("This is not a setting of a matching run.")
    if errors:
        raise ValidationError(_("Some settings of the run need your attention."), errors)
    return params


def _engine_config(program, params):
    config = dict(program.configuration, criteria=params["weights"])
    return matching_service.engine_config(config, top_k=params["top_k"], objective=params["objective"],
                                          min_score=params["min_score"])


def cohort(program):
    """Mentees waiting for a mentor (complete profile, consent, no open match) and available mentors."""
    open_mentees = Match.objects.filter(program=program, open_slot=True).values("mentee_id")
    mentees = list(Participant.objects.filter(Participant.ready_mentee(), program=program)
                   .exclude(pk__in=open_mentees).order_by("pk"))
    return mentees, matching_service.available_mentors(program)


def start_run(program, identity, raw_parameters=None):
    """A coordinator starts a cohort run; it runs now, or on Celery for large cohorts where workers exist."""
    policy.require("coordinate", identity)
    params = clean_parameters(program.configuration, raw_parameters)
    save_snapshot(program)  # the worker reads the program's configuration from its row
    with transaction.atomic():
        active = list(MatchingRun.objects.select_for_update().filter(program=program, state__in=ACTIVE_RUN_STATES))
        if any(not is_stalled(run) for run in active):
            raise Conflict(_("A matching run is already in progress for this program. Wait for it to finish."))
        for stalled in active:  # its worker stopped: it says so, and this run replaces it
            _fail(stalled.pk, stalled_message())
            record_event(program, identity.user_id, "run.stalled", stalled)
        run = MatchingRun.objects.create(program=program, created_by=identity.user_id, parameters=params)
        record_event(program, identity.user_id, "run.started", run, **{k: v for k, v in params.items()
                                                                      if k != "weights"})
    mentee_count = Participant.objects.filter(program=program, is_mentee=True, status="active").count()
    if setting("MENTORING_USE_CELERY") and mentee_count > setting("MENTORING_ASYNC_MATCHING_THRESHOLD"):
        jobs.queue_after_commit(jobs.RUN_MATCHING, run.pk, lambda message: _fail(run.pk, message))
        return run
    return execute_run(run.pk)


def _fail(run_id, message):
    MatchingRun.objects.filter(pk=run_id).update(state=MatchingRun.State.FAILED, error=message[:2000],
                                                 finished_at=timezone.now(), modified=timezone.now())


def _capacities(candidates, mentor_profiles):
    """Free places per mentor, aligned with the candidate set's mentors."""
    free = {profile.id: profile.capacity for profile in mentor_profiles}
    return [free[mentor_id] for mentor_id in candidates.mentor_ids]


def _progress(run, value):
    """Record how far the run is, and with it that its worker is alive (``modified``)."""
    MatchingRun.objects.filter(pk=run.pk).update(progress=value, modified=timezone.now())


def execute_run(run_id):
    """Score, solve and store the proposals of a queued run (used in process, by Celery and by the command)."""
    run = MatchingRun.objects.select_related("program").get(pk=run_id)
    if run.state != MatchingRun.State.QUEUED:
        return run
    MatchingRun.objects.filter(pk=run.pk).update(state=MatchingRun.State.RUNNING, progress=5, modified=timezone.now())
    started = time.monotonic()
    try:
        program, params = run.program, run.parameters
        config = program.configuration
        mentees, mentors = cohort(program)
        _progress(run, 20)
        engine = _engine_config(program, params)
        mentee_profiles = [matching_service.engine_profile(m, config) for m in mentees]
        mentor_profiles = [matching_service.engine_profile(m, config) for m in mentors]
        forbidden = matching_service.forbidden_pairs(program, [m.pk for m in mentees])
        candidates = matching.score_candidates(mentee_profiles, mentor_profiles, engine, forbidden=forbidden)
        _progress(run, 60)
        result = matching.solve(candidates, _capacities(candidates, mentor_profiles), objective=params["objective"],
                                min_score=params["min_score"])
        _progress(run, 85)
        proposals = _proposals(run, mentees, mentors, mentee_profiles, mentor_profiles, engine, result)
        with transaction.atomic():
            if MatchingRun.objects.select_for_update().filter(pk=run.pk).values_list("state", flat=True).first() \
                    != MatchingRun.State.RUNNING:  # given up as stalled meanwhile, and replaced by a newer run
                log.warning("Matching run %s finished after it was given up; its result is dropped", run_id)
                run.refresh_from_db()
                return run
            RunProposal.objects.filter(run=run).delete()
            RunProposal.objects.bulk_create(proposals, batch_size=1000)
            run.metrics = _metrics(proposals, len(mentors), time.monotonic() - started, result)
            run.state, run.progress, run.finished_at = MatchingRun.State.DRAFT, 100, timezone.now()
            run.save(update_fields=["metrics", "state", "progress", "finished_at", "modified"])
    except Exception as error:  # pylint: disable=broad-except  # a failed run must say so, not stay "running"
        log.exception("Matching run %s failed", run_id)
        _fail(run_id, str(error))
        run.refresh_from_db()
    return run


def _proposals(run, mentees, mentors, mentee_profiles, mentor_profiles, engine, result):
    """One RunProposal per mentee from a solver result (explanations only for assigned pairs)."""
    mentee_by_id = {str(m.pk): (m, p) for m, p in zip(mentees, mentee_profiles, strict=True)}
    mentor_by_id = {str(m.pk): (m, p) for m, p in zip(mentors, mentor_profiles, strict=True)}
    rows = []
    for index, mentee_id in enumerate(result.mentee_ids):
        mentee, mentee_profile = mentee_by_id[mentee_id]
        mentor_index = int(result.mentor_of[index])
        if mentor_index < 0:
            reason = result.unmatched_reason.get(index, RunProposal.Unmatched.NO_CANDIDATE)
            rows.append(RunProposal(run=run, mentee=mentee, unmatched_reason=reason))
            continue
        mentor, mentor_profile = mentor_by_id[result.mentor_ids[mentor_index]]
        explanation = matching.explain_pair(mentee_profile, mentor_profile, engine)
        rows.append(RunProposal(run=run, mentee=mentee, mentor=mentor, score=explanation.score,
                                explanation=matching_service.explanation_data(explanation.reasons),
                                is_fixed=bool(result.fixed[index])))
    return rows


def _metrics(proposals, mentor_count, seconds, result=None):
    matched = [p for p in proposals if p.mentor_id]
    unmatched = {}
    for proposal in proposals:
        if not proposal.mentor_id:
            unmatched[proposal.unmatched_reason] = unmatched.get(proposal.unmatched_reason, 0) + 1
    total = sum(p.score for p in matched)
    return {
        "mentees": len(proposals), "mentors": mentor_count, "matched": len(matched),
        "unmatched": unmatched, "total_score": round(total, 4),
        "mean_score": round(total / len(matched), 4) if matched else 0.0,
        "seconds": round(seconds, 3), "optimal": bool(getattr(result, "optimal", True)),
        "optimality_gap": round(float(getattr(result, "stats", {}).get("certified_gap", 0.0)), 4),
    }


def _draft(program, run_id, lock=False):
    if not is_whole(run_id):
        raise ValidationError(_("Say which run with its number."), {"run_id": _("Not a valid id.")})
    query = MatchingRun.objects.filter(program=program, pk=run_id)
    run = (query.select_for_update() if lock else query).first()
    if run is None:
        raise NotFound(_("There is no such matching run."))
    if run.state != MatchingRun.State.DRAFT:
        raise Conflict(_("This run is {state}; only a draft can be changed.").format(
            state=run.get_state_display().lower()))
    return run


def _proposal_of(run, mentee_id):
    proposal = RunProposal.objects.select_related("mentee", "mentor").filter(
        run=run, mentee_id=mentee_id if is_whole(mentee_id) else -1
    ).first()
    if proposal is None:
        raise NotFound(_("This mentee is not part of the run."))
    return proposal


def _unmatch(proposal):
    """Take the mentee's line out of the draft's pairs (a coordinator's choice)."""
    proposal.mentor, proposal.score, proposal.explanation, proposal.is_fixed = None, 0, [], False
    proposal.unmatched_reason = RunProposal.Unmatched.REMOVED


def _give(program, proposal, mentor, fixed):
    """Put ``mentor`` on ``proposal`` with the engine's score and reasons for the pair."""
    score, explanation, blocked = matching_service.explain(program, proposal.mentee, mentor)
    if "same_person" in blocked:
        raise ValidationError(_("A person cannot mentor themself."), {"mentor_id": _("Same person.")})
    proposal.mentor, proposal.score, proposal.explanation = mentor, score, explanation
    proposal.unmatched_reason, proposal.is_fixed = "", fixed


def edit_proposal(program, identity, run_id, mentee_id, mentor_id=None, fixed=False, swap_with=None):
    """
    Change one mentee's line of a draft; the mentor's places in the draft are respected.

    ``mentor_id`` gives them that mentor (``fixed`` keeps the pair when solving again); None leaves
    them without one. ``swap_with`` (another mentee of the draft) exchanges the two mentees' mentors, which
    needs no free place: the way to move someone to a mentor who is full in the draft.
    """
    policy.require("coordinate", identity)
    if not isinstance(fixed, bool):
        raise ValidationError(_("Say whether to keep the pair with true or false."), {"fixed": _("Not true/false.")})
    if swap_with is not None and (not is_whole(swap_with)):
        raise ValidationError(_("Say which mentee to swap mentors with, by their number."),
                              {"swap_with": _("Not a valid id.")})
    with transaction.atomic():
        run = _draft(program, run_id, lock=True)
        proposal = _proposal_of(run, mentee_id)
        if swap_with is not None:
            return _swap(program, identity, run, proposal, swap_with, fixed)
        if mentor_id is None:
            _unmatch(proposal)
        else:
            mentor = _available_mentor(program, mentor_id)
            taken = RunProposal.objects.filter(run=run, mentor=mentor).exclude(pk=proposal.pk).count()
            if taken >= mentor.free_capacity:
                raise Conflict(_("{mentor} has no free place left in this draft. Move one of their mentees first.")
                               .format(mentor=mentor.shown_name()))
            _give(program, proposal, mentor, fixed)
        proposal.save()
        _edited(program, identity, run, proposal)
    return proposal


def _edited(program, identity, run, *proposals):
    run.metrics = _metrics(list(RunProposal.objects.filter(run=run)), run.metrics.get("mentors", 0),
                           run.metrics.get("seconds", 0))
    run.save(update_fields=["metrics", "modified"])
    for proposal in proposals:
        record_event(program, identity.user_id, "run.edited", run, mentee=proposal.mentee_id,
                     mentor=proposal.mentor_id, fixed=proposal.is_fixed)


def _swap(program, identity, run, proposal, other_mentee_id, fixed):
    """Exchange the mentors of two mentees of a draft (places do not change); both lines keep ``fixed``."""
    other = _proposal_of(run, other_mentee_id)
    if other.pk == proposal.pk:
        raise ValidationError(_("Choose another mentee to swap mentors with."), {"swap_with": _("The same mentee.")})
    mine, theirs = proposal.mentor, other.mentor
    if mine is None and theirs is None:
        raise Conflict(_("Neither mentee has a mentor in this draft: there is nothing to swap."))
    for line, mentor in ((proposal, theirs), (other, mine)):
        if mentor is None:
            _unmatch(line)
        else:
            _give(program, line, mentor, fixed)
    RunProposal.objects.bulk_update([proposal, other], ["mentor", "score", "explanation", "unmatched_reason",
                                                        "is_fixed"])
    _edited(program, identity, run, proposal, other)
    return proposal


def _available_mentor(program, mentor_id):
    if not is_whole(mentor_id):
        raise ValidationError(_("Say which mentor with their number."), {"mentor_id": _("Not a valid id.")})
    mentor = Participant.objects.filter(Participant.matchable_mentor(), program=program, pk=mentor_id).first()
    if mentor is None:
        raise NotFound(_("This mentor is not available in this program."))
    return mentor


def resolve_run(program, identity, run_id):
    """Solve the draft again, keeping the pairs marked fixed."""
    policy.require("coordinate", identity)
    with transaction.atomic():
        run = _draft(program, run_id, lock=True)
        fixed = list(RunProposal.objects.filter(run=run, is_fixed=True, mentor__isnull=False)
                     .values_list("mentee_id", "mentor_id"))
        started = time.monotonic()
        mentees, mentors = cohort(program)
        config = program.configuration
        engine = _engine_config(program, run.parameters)
        mentee_profiles = [matching_service.engine_profile(m, config) for m in mentees]
        mentor_profiles = [matching_service.engine_profile(m, config) for m in mentors]
        forbidden = matching_service.forbidden_pairs(program, [m.pk for m in mentees])
        candidates = matching.score_candidates(mentee_profiles, mentor_profiles, engine, forbidden=forbidden)
        known = {p.id for p in mentee_profiles}, {p.id for p in mentor_profiles}
        fixed_pairs = [(str(a), str(b)) for a, b in fixed if str(a) in known[0] and str(b) in known[1]]
        result = matching.solve(candidates, _capacities(candidates, mentor_profiles),
                                objective=run.parameters["objective"], min_score=run.parameters["min_score"],
                                fixed_pairs=fixed_pairs)
        proposals = _proposals(run, mentees, mentors, mentee_profiles, mentor_profiles, engine, result)
        RunProposal.objects.filter(run=run).delete()
        RunProposal.objects.bulk_create(proposals, batch_size=1000)
        run.metrics = _metrics(proposals, len(mentors), time.monotonic() - started, result)
        run.save(update_fields=["metrics", "modified"])
        record_event(program, identity.user_id, "run.resolved", run, fixed=len(fixed_pairs))
    return run


def publish_run(program, identity, run_id):
    """
    Turn every proposed pair of a draft into a proposed match, all or nothing, and tell both people.

    Capacity and "one open match per mentee" are re-checked under row locks; if any pair no longer
    fits (someone matched or left meanwhile), nothing is published and the message names the pairs.
    """
    policy.require("coordinate", identity)
    with transaction.atomic():
        run = _draft(program, run_id, lock=True)
        proposals = list(RunProposal.objects.filter(run=run, mentor__isnull=False)
                         .select_related("mentee", "mentor").order_by("mentor_id", "pk"))
        lock_participants(*[pk for p in proposals for pk in (p.mentor_id, p.mentee_id)])
        matches, conflicts = [], []
        for proposal in proposals:
            try:
                with transaction.atomic():
                    matches.append(open_match(program, proposal.mentor, proposal.mentee, Match.Origin.RUN,
                                              Match.State.PROPOSED, identity.user_id, score=proposal.score,
                                              explanation=proposal.explanation, run=run))
            except Conflict as conflict:
                conflicts.append(conflict.message)
        if conflicts:
            raise Conflict(_("Nothing was published: {count} pairs no longer fit ({first}). Solve the draft "
                             "again and publish.").format(count=len(conflicts), first=conflicts[0]))
        for match in matches:
            for person in (match.mentee, match.mentor):
                notify(program, person, "match_proposed", **pair_names(match))
        run.state, run.published_at = MatchingRun.State.PUBLISHED, timezone.now()
        run.save(update_fields=["state", "published_at", "modified"])
        record_event(program, identity.user_id, "run.published", run, matches=len(matches))
    return run


def discard_run(program, identity, run_id):
    """Throw a draft away."""
    policy.require("coordinate", identity)
    with transaction.atomic():
        run = _draft(program, run_id, lock=True)
        run.state = MatchingRun.State.DISCARDED
        run.save(update_fields=["state", "modified"])
        record_event(program, identity.user_id, "run.discarded", run)
    return run


def manual_match(program, identity, mentee_id, mentor_id):
    """A coordinator proposes one pair by hand; the mentee accepts it like a run's proposal."""
    policy.require("coordinate", identity)
    if not is_whole(mentee_id):
        raise ValidationError(_("Say which mentee with their number."), {"mentee_id": _("Not a valid id.")})
    mentee = Participant.objects.filter(program=program, pk=mentee_id, is_mentee=True,
                                        status=Participant.Status.ACTIVE).first()
    if mentee is None:
        raise NotFound(_("This mentee is not in the program."))
    if not mentee.is_ready_mentee:  # as for their own requests and for cohort runs
        raise Conflict(_("{mentee} has not completed their profile and agreed to share it yet, so they cannot be "
                         "matched.").format(mentee=mentee.shown_name(_("This mentee"))))
    mentor = _available_mentor(program, mentor_id)
    score, explanation, blocked = matching_service.explain(program, mentee, mentor)
    if "same_person" in blocked:
        raise ValidationError(_("A person cannot mentor themself."), {"mentor_id": _("Same person.")})
    with transaction.atomic():
        match = open_match(program, mentor, mentee, Match.Origin.COORDINATOR, Match.State.PROPOSED,
                           identity.user_id, score=score, explanation=explanation)
        for person in (mentee, mentor):
            notify(program, person, "match_proposed", mentee=mentee.shown_name(), mentor=mentor.shown_name())
        record_event(program, identity.user_id, "match.created_by_hand", match, match=match, warnings=blocked)
    return match, blocked
