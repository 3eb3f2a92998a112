"""Epsilon-scaling forward auction for the capacitated assignment (b-matching), in numpy.

Problem: persons (mentees) ``i`` and objects (mentors) ``j`` with capacity ``c_j``; an edge
``(i, j)`` has an integer benefit ``a_ij >= 0``; a person may stay unassigned (benefit 0).
Maximise the total benefit of the assigned edges, each person at most once, each mentor at
most ``c_j`` times.

Each mentor is a block of ``c_j`` slots with their own prices, kept sorted (lowest first), so
the mentor's entry price is its lowest slot price ``p1`` and ``p2`` is the second lowest.
All unassigned persons bid at once (Jacobi): best value ``v1 = max_j(a_ij - p1_j)``, second
best ``v2`` (other mentors, the same mentor's second slot, staying unassigned), bid
``a_ij - v2 + eps``. A mentor sorts its bids (highest first) against its slot prices (lowest
first) and accepts while the bid beats the slot price; displaced holders bid again. Every
accepted bid is at most ``p2 + eps``, which keeps eps-complementary slackness for all assigned
persons. Persons whose best value is at most ``eps`` take the outside option (prices never
fall inside a phase, so they stay satisfied).

Epsilon scaling: benefits are multiplied by ``n + 1`` and eps falls by ``factor`` per phase
down to 1. Between phases the persons that violate the new eps-CS are released and the freed
slots are reset to price 0 (a free slot must have price 0 for the duality bound below); this
repeats until no assigned person violates eps-CS.

Certificate: with ``pi_i = max(0, max_j(a_ij - p1_j))`` the prices give the dual bound
``D = sum(pi) + sum(slot prices)`` on any b-matching, so ``D - P < n + 1`` (scaled units)
proves the assignment optimal for the integer benefits. :func:`auction` reports that gap
whatever happens, so ``optimal`` is never claimed without proof.
"""

from __future__ import annotations

import numpy as np

NEG = np.iinfo(np.int64).min // 4


def _gather(indptr: np.ndarray, persons: np.ndarray):
    """Edge indices of ``persons`` (concatenated CSR rows) and each row's first position."""
    starts = indptr[persons]
    deg = indptr[persons + 1] - starts
    first = np.cumsum(deg) - deg
    total = int(deg.sum())
    edges = np.arange(total, dtype=np.int64) - np.repeat(first - starts, deg)
    return edges, first, deg


class _State:  # pylint: disable=too-many-instance-attributes
    """Slots, prices and assignments of one auction."""

    def __init__(self, indptr, ecol, eben, capacity):
        self.indptr, self.ecol, self.eben = indptr, ecol, eben
        self.n = indptr.size - 1
        self.cap = capacity
        self.m = capacity.size
        self.slot_start = np.concatenate(([0], np.cumsum(capacity)[:-1])).astype(np.int64)
        self.n_slots = int(capacity.sum())
        self.slot_owner = np.repeat(np.arange(self.m, dtype=np.int64), capacity)
        self.price = np.zeros(self.n_slots, dtype=np.int64)
        self.holder = np.full(self.n_slots, -1, dtype=np.int64)
        self.pslot = np.full(self.n, -1, dtype=np.int64)   # slot held by a person
        self.pedge = np.full(self.n, -1, dtype=np.int64)   # edge of that assignment
        self.rounds = 0
        self.reverse_rounds = 0
        # Edges grouped by mentor (for the reverse steps of free slots).
        self.by_mentor = np.argsort(ecol, kind="stable")
        self.mentor_ptr = np.searchsorted(ecol[self.by_mentor], np.arange(self.m + 1))
        self.edge_person = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(indptr))

    def p1(self):
        """Lowest slot price per mentor (mentors without slots have no edges; any value)."""
        return self.price[np.minimum(self.slot_start, self.n_slots - 1)]

    def p2(self):
        """Second lowest slot price per mentor ("infinite" with a single slot)."""
        second = np.full(self.m, -NEG, dtype=np.int64)  # "infinite" price: no second slot
        two = self.cap >= 2
        second[two] = self.price[self.slot_start[two] + 1]
        return second

    def resort(self, mentors: np.ndarray):
        """Restore the lowest-first slot order of ``mentors`` (unique) and the person->slot map."""
        if mentors.size == 0:
            return
        starts = self.slot_start[mentors]
        caps = self.cap[mentors]
        first = np.cumsum(caps) - caps
        idx = np.arange(int(caps.sum()), dtype=np.int64) - np.repeat(first - starts, caps)
        owner = self.slot_owner[idx]
        order = np.lexsort((self.price[idx], owner))
        new_idx = idx  # same positions, new content
        self.price[new_idx] = self.price[idx[order]]
        self.holder[new_idx] = self.holder[idx[order]]
        held = self.holder[new_idx] >= 0
        self.pslot[self.holder[new_idx][held]] = new_idx[held]

    def best_values(self):
        """``max(0, max_j a_ij - p1_j)`` for every person (one pass over all edges)."""
        value = self.eben - self.p1()[self.ecol]
        best = np.zeros(self.n, dtype=np.int64)
        has = self.indptr[1:] > self.indptr[:-1]
        if value.size:
            best[has] = np.maximum(np.maximum.reduceat(value, self.indptr[:-1][has]), 0)
        return best

    def current_values(self):
        """Value of each person's assignment (0 when unassigned)."""
        cur = np.zeros(self.n, dtype=np.int64)
        on = self.pslot >= 0
        cur[on] = self.eben[self.pedge[on]] - self.price[self.pslot[on]]
        return cur

    def release(self, persons: np.ndarray):
        """Unassign ``persons``; their slots become free (prices kept, so nobody else is affected)."""
        slots = self.pslot[persons]
        slots = slots[slots >= 0]
        self.holder[slots] = -1
        self.pslot[persons] = -1
        self.pedge[persons] = -1

    def run_phase(self, active: np.ndarray, eps: int) -> None:  # pylint: disable=too-many-locals
        """Jacobi bidding until every person is assigned or takes the outside option."""
        ecol, eben, cap, slot_start = self.ecol, self.eben, self.cap, self.slot_start
        while active.size:
            self.rounds += 1
            edges, first, deg = _gather(self.indptr, active)
            p1 = self.p1()
            value = eben[edges] - p1[ecol[edges]]
            best = np.maximum.reduceat(value, first)
            rep_best = np.repeat(best, deg)
            hit = np.flatnonzero(value == rep_best)
            seg = np.repeat(np.arange(active.size), deg)[hit]
            keep = np.ones(hit.size, dtype=bool)
            keep[1:] = seg[1:] != seg[:-1]
            best_pos = hit[keep]                      # first argmax per person
            value[best_pos] = NEG
            second = np.maximum.reduceat(value, first) if value.size else value
            second[deg == 1] = NEG
            best_edge = edges[best_pos]
            j1 = ecol[best_edge]
            second = np.maximum(second, eben[best_edge] - self.p2()[j1])
            second = np.maximum(second, 0)
            bidding = best > eps
            # Persons with best <= eps take the outside option (value 0 >= best - eps).
            if not bidding.all():
                active, best_edge, j1, second = active[bidding], best_edge[bidding], j1[bidding], second[bidding]
                if active.size == 0:
                    break
            bid = eben[best_edge] - second + eps
            order = np.lexsort((-bid, j1))
            jm = j1[order]
            grp_first = np.flatnonzero(np.concatenate(([True], jm[1:] != jm[:-1])))
            counts = np.diff(np.append(grp_first, jm.size))
            rank = np.arange(jm.size) - np.repeat(grp_first, counts)
            ok = rank < cap[jm]
            slot = slot_start[jm] + np.where(ok, rank, 0)
            ok &= bid[order] > self.price[slot]
            win = order[ok]
            wslot = slot[ok]
            displaced = self.holder[wslot]
            displaced = displaced[displaced >= 0]
            self.pslot[displaced] = -1
            self.pedge[displaced] = -1
            winners = active[win]
            self.holder[wslot] = winners
            self.price[wslot] = bid[win]
            self.pslot[winners] = wslot
            self.pedge[winners] = best_edge[win]
            self.resort(np.unique(jm[ok]))
            lost = np.ones(active.size, dtype=bool)
            lost[win] = False
            active = np.concatenate((active[lost], displaced))

    def run_reverse(self, eps: int) -> None:  # pylint: disable=too-many-locals
        """Free slots with a positive price bid for persons (prices fall) until none is left.

        A free slot of mentor ``j`` finds the neighbour ``i`` maximising ``a_ij - pi_i`` (beta)
        and the second best (omega); if ``beta >= 0`` it takes ``i`` at price
        ``max(0, omega - eps)`` (``i`` gains at least eps and leaves its old slot free, with
        its price), else its price drops to 0. Every person keeps eps-CS.
        """
        eben = self.eben
        while True:
            free = np.flatnonzero((self.holder < 0) & (self.price > 0))
            if free.size == 0:
                return
            self.reverse_rounds += 1
            owner = self.slot_owner[free]
            # One slot per mentor per round (the most expensive).
            order = np.lexsort((-self.price[free], owner))
            owner = owner[order]
            first_of = np.concatenate(([True], owner[1:] != owner[:-1]))
            slots, mentors = free[order][first_of], owner[first_of]
            edges_local, first, deg = _gather(self.mentor_ptr, mentors)
            none = deg == 0
            if none.any():
                self.price[slots[none]] = 0
                self.resort(mentors[none])
                slots, mentors = slots[~none], mentors[~none]
                if slots.size == 0:
                    continue
                edges_local, first, deg = _gather(self.mentor_ptr, mentors)
            edges = self.by_mentor[edges_local]
            persons = self.edge_person[edges]
            held = self.pslot[persons]
            profit = np.where(held >= 0, eben[self.pedge[persons]] - self.price[held], 0)
            value = eben[edges] - profit
            beta = np.maximum.reduceat(value, first)
            hit = np.flatnonzero(value == np.repeat(beta, deg))
            seg = np.repeat(np.arange(mentors.size), deg)[hit]
            keep = np.ones(hit.size, dtype=bool)
            keep[1:] = seg[1:] != seg[:-1]
            best_pos = hit[keep]
            value[best_pos] = NEG
            omega = np.maximum.reduceat(value, first)
            omega[deg == 1] = NEG
            new_price = np.maximum(omega - eps, 0)
            take = beta >= 0
            drop = ~take
            if drop.any():
                self.price[slots[drop]] = 0
            target = persons[best_pos][take]
            t_edge = edges[best_pos][take]
            t_slot, t_price = slots[take], new_price[take]
            gain = eben[t_edge] - t_price
            order = np.lexsort((-gain, target))
            target, t_edge, t_slot, t_price = target[order], t_edge[order], t_slot[order], t_price[order]
            first_t = np.concatenate(([True], target[1:] != target[:-1])) if target.size else target.astype(bool)
            target, t_edge, t_slot, t_price = target[first_t], t_edge[first_t], t_slot[first_t], t_price[first_t]
            old = self.pslot[target]
            had = old >= 0
            self.holder[old[had]] = -1
            self.holder[t_slot] = target
            self.price[t_slot] = t_price
            self.pslot[target] = t_slot
            self.pedge[target] = t_edge
            self.resort(np.unique(self.slot_owner[np.concatenate((t_slot, slots[drop]))]))

    def gap(self) -> int:
        """Dual bound minus primal value (scaled units)."""
        best = self.best_values()
        cur = self.current_values()
        free = self.holder < 0
        return int((best - cur).sum()) + int(self.price[free].sum())


def auction(indptr, ecol, benefit, capacity, *, factor: int = 6, start_divisor: int = 4):
    """Maximum-benefit b-matching; returns ``(mentor_of, edge_of, optimal, stats)``.

    ``indptr``/``ecol``/``benefit``: CSR rows of the persons (integer benefits >= 0);
    ``capacity``: per mentor (already capped at its in-degree is best).
    """
    indptr = np.asarray(indptr, dtype=np.int64)
    ecol = np.asarray(ecol, dtype=np.int64)
    capacity = np.asarray(capacity, dtype=np.int64)
    n = indptr.size - 1
    scale = n + 1
    # Edges to mentors without capacity can never be used.
    kept = np.flatnonzero(capacity[ecol] > 0) if ecol.size else np.zeros(0, dtype=np.int64)
    person = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))[kept]
    indptr = np.concatenate(([0], np.cumsum(np.bincount(person, minlength=n)))).astype(np.int64)
    ecol = ecol[kept]
    eben = np.asarray(benefit, dtype=np.int64)[kept] * scale
    if kept.size == 0:
        return np.full(n, -1, dtype=np.int64), np.full(n, -1, dtype=np.int64), True, \
            {"phases": 0, "rounds": 0, "reverse_rounds": 0, "gap": 0.0}
    state = _State(indptr, ecol, eben, capacity)
    top = int(eben.max()) if eben.size else 0
    eps = max(top // start_divisor, 1)
    active = np.flatnonzero(indptr[1:] > indptr[:-1])
    phases = 0
    while True:
        phases += 1
        state.run_phase(active, eps)
        state.run_reverse(eps)
        if eps == 1:
            break
        eps = max(eps // factor, 1)
        # Release the persons violating eps-CS (freed slots drop to price 0), until stable.
        best = state.best_values()
        cur = state.current_values()
        violators = np.flatnonzero((cur < best - eps) & (state.pslot >= 0))
        state.release(violators)
        active = np.flatnonzero((state.pslot < 0) & (best > eps))
    gap = state.gap()
    on = state.pslot >= 0
    mentor_of = np.where(on, state.slot_owner[np.maximum(state.pslot, 0)], -1)
    edge_of = np.where(on, kept[np.maximum(state.pedge, 0)], -1)
    stats = {"phases": phases, "rounds": state.rounds, "reverse_rounds": state.reverse_rounds, "gap": gap / scale}
    return mentor_of, edge_of, gap < scale, stats
