"""Large cohorts: the b-matching as a min-cost flow, solved in phases on scipy's graph kernels.

The problem: mentees ``i`` (each matched at most once) and mentors ``k`` (capacity ``c_k``), an
integer benefit ``b_ik`` per allowed pair and ``u_i`` for leaving mentee ``i`` alone; maximise
the total benefit. As a flow: every mentee sends one unit to a sink ``T``, either through a
mentor (arc ``k -> T`` of capacity ``c_k``) or directly (its "alone" arc, benefit ``u_i``). The
``participation`` objective gives "alone" a benefit of ``-B`` with ``B`` larger than any total
score, so the largest possible number of mentees is matched first.

Why not one shortest path per mentee (the successive shortest path method, e.g. scipy's
LAPJVsp): LAPJVsp expands mentors into capacity slots and resets O(columns) arrays for every
augmenting row, which is quadratic at 100,000 mentees (4 s even when each mentee has a single
edge). Here every *phase* makes two C-speed passes over the whole network for all unrouted
mentees at once:

1. Dijkstra (``scipy.sparse.csgraph.dijkstra``) from the sinks on the reversed residual network
   with reduced costs ``rc = w + pi[tail] - pi[head]`` (``w``: the mentee's regret, its best
   benefit minus this one) gives every node its distance ``h`` to a sink.
2. Potentials ``pi -= h``. Every mentee has to be routed somewhere, so the potential of a free
   mentee may move by its own distance: afterwards *every* free mentee's shortest path has
   reduced length 0 at once (per-mentee shifts; with one common source only the overall
   shortest paths would become usable, one distance level per phase).
3. A maximum flow (``scipy.sparse.csgraph.maximum_flow``, Dinic) over the admissible arcs
   (reduced cost within ``band`` of 0) routes as many free mentees as those paths allow.

Invariant (``band``-optimality): every residual arc has ``rc >= -band``. Dijkstra runs on
``max(rc, 0)``, which keeps it, and the flow only uses arcs with ``|rc| <= band``; ``band = 0`` is
the exact primal-dual method. Bands fall in stages (cost scaling): a stage starts by unrouting
the mentees on arcs outside the new band (their mentor keeps its unit of flow to ``T`` as a
*deficit* the stage must refill, so no potential is invalidated) and routes them again.

Certificate: turning our routing into any other one is a set of residual cycles whose reduced
costs add up to the benefit difference, so the sum over residual arcs of ``max(0, -rc)`` times
the residual capacity (``FlowResult.gap``) bounds optimum minus found, in benefit units;
``gap == 0`` proves the result optimal.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra, maximum_flow

INF = np.inf
FREE, ALONE = -1, -2


@dataclass
class FlowResult:
    """``mentor_of[i]``: mentor of mentee ``i`` or -1; optimum minus found is at most ``gap``."""

    mentor_of: np.ndarray
    gap: int
    stats: dict = field(default_factory=dict)


class _Network:  # pylint: disable=too-many-instance-attributes
    """Residual network, potentials and routing. Node ids: mentees ``0..n-1``, mentors ``n..n+m-1``, T ``n+m``."""

    def __init__(self, rows, cols, benefit, capacity, unmatched):
        n, m = unmatched.size, capacity.size
        self.n, self.m = n, m
        deg = np.bincount(rows, minlength=n)
        row_ptr = np.concatenate(([0], np.cumsum(deg)))
        top = unmatched.copy()
        has = deg > 0
        if rows.size:
            top[has] = np.maximum(top[has], np.maximum.reduceat(benefit, row_ptr[:-1][has]))
        self.w_alone = (top - unmatched).astype(np.float64)
        # Arc layout: mentor by mentor (mentees ascending), each mentor's arcs followed by one
        # sentinel slot, exactly the mentor rows of the Dijkstra graph below (the sentinel is the
        # mentor's entry for T). Sentinels have head and tail T and an infinite cost, so they
        # never change and never look admissible.
        perm = np.argsort(cols.astype(np.uint16) if m <= 1 << 16 else cols, kind="stable")
        E = rows.size
        L = E + m
        index = np.int32 if n + L < 2**31 - 2 else np.int64
        T = n + m
        self.E, self.T = E, T
        self.mentor_ptr = np.concatenate(([0], np.cumsum(np.bincount(cols, minlength=m))))
        pos = np.arange(E, dtype=index) + cols[perm].astype(index)
        sentinel = self.mentor_ptr[1:] + np.arange(m)
        self.r = np.full(L, T, dtype=index)
        self.r[pos] = rows[perm]
        self.c = np.empty(L, dtype=index)
        self.c[pos] = cols[perm]
        self.c[sentinel] = np.arange(m)
        self.node = self.c + index(n)
        self.node[sentinel] = T
        self.w = np.full(L, INF)
        self.w[pos] = (top[rows] - benefit)[perm]  # integers, exact in float64
        self.keys = self.c.astype(np.int64) * (n + 1) + np.where(self.r == T, n, self.r)
        self.layout_of_input = np.empty(E, dtype=index)  # input (mentee) order -> layout
        self.layout_of_input[perm] = pos
        self.row_ptr, self.has_arcs = row_ptr, has
        self.cap = capacity
        # Dijkstra graph (reversed residual arcs) in a fixed layout: mentee rows (one entry: where
        # the mentee is routed), mentor rows (the arc layout: its mentees, then T), the T row
        # (every mentee's "alone" arc, then every mentor); unusable entries weigh infinity.
        # Column indices are sorted in every row.
        self.d_ptr = np.concatenate((np.arange(n + 1), n + self.mentor_ptr[1:] + np.arange(1, m + 1)))
        self.d_ptr = np.append(self.d_ptr, self.d_ptr[-1] + m + n).astype(np.int32)
        self.d_data = np.empty(int(self.d_ptr[-1]))
        self.d_idx = np.empty(int(self.d_ptr[-1]), dtype=np.int32)
        self.t_pos = n + sentinel
        self.d_idx[n:n + L] = self.r
        self.d_idx[self.d_ptr[T]:] = np.arange(n + m)
        # State: potentials and reduced costs, routing (arc index, FREE or ALONE), mentor loads and
        # flows to T (load + deficit), and what T still has to receive.
        self.pi = np.zeros(T + 1)
        self.rc = self.w.copy()
        self.rc_alone = self.w_alone.copy()
        self.edge_of = np.full(n, FREE, dtype=np.int64)
        self.used = np.zeros(L, dtype=bool)
        self.load = np.zeros(m, dtype=np.int64)
        self.to_t = np.zeros(m, dtype=np.int64)
        self.edge_of[~has] = ALONE  # no mentor at all
        self.n_routable = int(has.sum())

    @property
    def t_demand(self):
        """Units T still has to receive: mentees with a mentor to route, minus what reached T."""
        return self.n_routable - int(self.to_t.sum()) - int((self.edge_of[self.has_arcs] == ALONE).sum())

    def slack(self):
        """Reduced cost of every mentor -> T arc."""
        return self.pi[self.n:self.T] - self.pi[self.T]

    def distances(self):
        """Distance (max(rc, 0) weights) of every node to a sink: deficit mentors, and T while it lacks flow."""
        n, T = self.n, self.T
        edge_of, data, idx = self.edge_of, self.d_data, self.d_idx
        routed = np.flatnonzero(edge_of >= 0)
        alone = np.flatnonzero(edge_of == ALONE)
        data[:n] = INF
        idx[:n] = np.arange(n)
        data[routed] = np.maximum(-self.rc[edge_of[routed]], 0)
        idx[routed] = self.node[edge_of[routed]]
        data[alone] = np.maximum(-self.rc_alone[alone], 0)
        idx[alone] = T
        np.maximum(self.rc, 0, out=data[n:n + self.rc.size])
        data[n + edge_of[routed]] = INF  # used arcs are not residual forward
        slack = self.slack()
        data[self.t_pos] = np.where(self.to_t > 0, np.maximum(-slack, 0), INF)
        start = self.d_ptr[T]
        data[start:start + n] = np.where(edge_of != ALONE, np.maximum(self.rc_alone, 0), INF)
        data[start + n:] = np.where(self.cap > self.to_t, np.maximum(slack, 0), INF)
        graph = sp.csr_matrix((data, idx, self.d_ptr), shape=(T + 1, T + 1))
        graph.has_sorted_indices = True
        targets = n + np.flatnonzero(self.to_t > self.load)
        if self.t_demand > 0:
            targets = np.append(targets, T)
        h = dijkstra(graph, indices=targets, min_only=True)
        reached = np.isfinite(h)
        if not reached.all():
            h[~reached] = h[reached].max()
        return np.rint(h, out=h)

    def reprice(self, h):
        """``pi -= h``, with every reduced cost following."""
        self.pi -= h
        self.rc += h[self.node] - h[self.r]
        self.rc_alone += h[self.T] - h[:self.n]

    def route(self, band):
        """Maximum flow from the free mentees to the sinks over admissible arcs; applies it."""
        n, m, T = self.n, self.m, self.T
        S2, T2 = T + 1, T + 2
        rc, c, edge_of = self.rc, self.c, self.edge_of
        routed, alone = edge_of >= 0, edge_of == ALONE
        back = np.zeros(n, dtype=bool)
        back[routed] = rc[edge_of[routed]] >= -band
        back[alone] = self.rc_alone[alone] >= -band
        forward = np.flatnonzero(~self.used & (rc <= band))
        alone_ok = np.flatnonzero(~alone & (self.rc_alone <= band))
        slack = self.slack()
        spare = self.cap - self.to_t
        ok_to = np.flatnonzero((spare > 0) & (slack <= band))
        ok_from = np.flatnonzero((self.to_t > 0) & (-slack <= band))
        deficit = self.to_t - self.load
        sinks = np.flatnonzero(deficit > 0)
        t_demand = self.t_demand
        # Reversed graph, flow from T2 to S2. Rows: mentees (-> their mentor / T when routed
        # admissibly, -> S2 when free), mentors (-> mentees of admissible arcs, then T), T (->
        # admissible alone arcs' mentees, then mentors with spare), S2 (empty), T2 (-> sinks).
        mentee_len = (back | (edge_of == FREE)).astype(np.int64)
        from_len = np.zeros(m, dtype=np.int64)
        from_len[ok_from] = 1
        mentor_len = np.bincount(c[forward], minlength=m) + from_len
        t2_len = sinks.size + (1 if t_demand > 0 else 0)
        ptr = np.concatenate(([0], np.cumsum(np.concatenate(
            (mentee_len, mentor_len, [alone_ok.size + ok_to.size, 0, t2_len])))))
        size = int(ptr[-1])
        idx = np.empty(size, dtype=np.int32)
        cap = np.ones(size, dtype=np.int32)
        head = np.full(n, S2, dtype=np.int64)
        head[routed] = self.node[edge_of[routed]]
        head[alone] = T
        idx[:ptr[n]] = head[mentee_len > 0]
        shift = np.cumsum(from_len) - from_len
        idx[ptr[n] + np.arange(forward.size) + shift[c[forward]]] = self.r[forward]
        last = ptr[n + 1 + ok_from] - 1
        idx[last] = T
        cap[last] = self.to_t[ok_from]
        lo = ptr[T]
        idx[lo:lo + alone_ok.size] = alone_ok
        lo += alone_ok.size
        idx[lo:lo + ok_to.size] = n + ok_to
        cap[lo:lo + ok_to.size] = spare[ok_to]
        lo = ptr[T2]
        idx[lo:lo + sinks.size] = n + sinks
        cap[lo:lo + sinks.size] = deficit[sinks]
        if t_demand > 0:
            idx[lo + sinks.size] = T
            cap[lo + sinks.size] = t_demand
        graph = sp.csr_matrix((cap, idx, ptr.astype(np.int32)), shape=(T2 + 1, T2 + 1))
        graph.has_sorted_indices = True
        result = maximum_flow(graph, T2, S2)
        self._apply(result.flow)
        return int(result.flow_value)

    def _apply(self, flow):
        """Read a reversed max flow back into the routing."""
        n, T = self.n, self.T
        size = flow.indptr.size - 1
        tail = np.repeat(np.arange(size), np.diff(flow.indptr))
        positive = flow.data > 0
        tail, head, value = tail[positive], flow.indices[positive].astype(np.int64), flow.data[positive]
        mentor_tail = (tail >= n) & (tail < T)
        mentee_tail = tail < n
        # Leaving first: reversed (i -> k) is original k -> i, reversed (i -> T) is T -> i.
        left = tail[mentee_tail & (head >= n) & (head < T)]
        self.used[self.edge_of[left]] = False
        np.subtract.at(self.load, self.c[self.edge_of[left]], 1)
        self.edge_of[left] = FREE
        self.edge_of[tail[mentee_tail & (head == T)]] = FREE
        # Joining: reversed (k -> i) is original i -> k, reversed (T -> i) is i -> T (alone).
        joined = mentor_tail & (head < n)
        mentees, mentors = head[joined], tail[joined] - n
        arcs = np.searchsorted(self.keys, mentors * (n + 1) + mentees)
        self.edge_of[mentees] = arcs
        self.used[arcs] = True
        np.add.at(self.load, mentors, 1)
        self.edge_of[head[(tail == T) & (head < n)]] = ALONE
        into_t = (tail == T) & (head >= n) & (head < T)   # original k -> T
        out_of_t = mentor_tail & (head == T)                # original T -> k
        np.add.at(self.to_t, head[into_t] - n, value[into_t])
        np.subtract.at(self.to_t, tail[out_of_t] - n, value[out_of_t])

    def unroute_violators(self, band):
        """Start of a stage: unroute the mentees on arcs outside the new band.

        A mentor keeps its flow to T as a deficit; free mentees get potentials that satisfy all
        their arcs.
        """
        rc, used, edge_of = self.rc, self.used, self.edge_of
        bad = (~used & (rc < -band)) | (used & (rc > band))
        victims = np.unique(self.r[bad])
        alone = edge_of == ALONE
        victims = np.union1d(victims, np.flatnonzero((~alone & (self.rc_alone < -band))
                                                      | (alone & (self.rc_alone > band))))
        victims = victims[(edge_of[victims] != FREE) & self.has_arcs[victims]]
        routed = victims[edge_of[victims] >= 0]
        used[edge_of[routed]] = False
        np.subtract.at(self.load, self.c[edge_of[routed]], 1)
        edge_of[victims] = FREE
        free = np.flatnonzero(edge_of == FREE)
        if free.size:
            # pi_i = the largest pi_head - w over i's arcs: every arc of i gets rc >= 0, the best 0.
            value = (self.pi[self.node] - self.w)[self.layout_of_input]
            best = self.pi[self.T] - self.w_alone
            has = self.has_arcs
            if self.E:
                best[has] = np.maximum(best[has], np.maximum.reduceat(value, self.row_ptr[:-1][has]))
            delta = np.zeros(self.T + 1)
            delta[free] = best[free] - self.pi[free]
            self.pi += delta
            self.rc += delta[self.r]
            self.rc_alone += delta[:self.n]
        return int(victims.size)

    def gap(self):
        """Sum over residual arcs of max(0, -rc) times the residual capacity."""
        rc, used = self.rc, self.used
        alone = self.edge_of == ALONE
        slack = self.slack()
        spare = self.cap - self.to_t
        return int(np.maximum(0, -rc[~used]).sum() + np.maximum(0, rc[used]).sum()
                   + np.maximum(0, -self.rc_alone[~alone & self.has_arcs]).sum()
                   + np.maximum(0, self.rc_alone[alone & self.has_arcs]).sum()
                   + (np.maximum(0, -slack) * spare).sum() + (np.maximum(0, slack) * self.to_t).sum())


def solve_transport(rows, cols, benefit, capacity, unmatched, bands=(0,)) -> FlowResult:
    """Maximum-benefit b-matching (see the module docstring).

    ``rows``/``cols``: mentee / mentor index of each allowed pair, sorted by (row, col), unique;
    ``benefit``: int64 per pair; ``capacity``: int64 per mentor (>= 1 for mentors with pairs);
    ``unmatched``: int64 per mentee, its benefit when left alone; ``bands``: decreasing, >= 0,
    the last one bounds the error per arc (``(0,)`` is exact). Distances stay exact in float64
    while benefit magnitudes stay below 2**50.
    """
    net = _Network(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64),
                   np.asarray(benefit, dtype=np.int64), np.asarray(capacity, dtype=np.int64),
                   np.asarray(unmatched, dtype=np.int64))
    stats = {"phases": 0, "unrouted": [], "dijkstra_s": 0.0, "max_flow_s": 0.0}
    for stage, band in enumerate(bands):
        if stage:
            stats["unrouted"].append(net.unroute_violators(band))
        while (net.edge_of == FREE).any():
            stats["phases"] += 1
            start = time.perf_counter()
            if stats["phases"] > 1:  # the first phase starts from zero potentials: h = 0
                net.reprice(net.distances())
            middle = time.perf_counter()
            if net.route(band) == 0:  # pragma: no cover - a shortest path is always admissible
                raise RuntimeError("no admissible path: the flow network is inconsistent")
            stats["dijkstra_s"] += middle - start
            stats["max_flow_s"] += time.perf_counter() - middle
    if net.t_demand or (net.to_t != net.load).any():  # pragma: no cover - flow conservation
        raise RuntimeError("the routing left flow unbalanced")
    gap = net.gap()
    stats["gap"] = gap
    mentor = np.full(net.n, -1, dtype=np.int64)
    routed = net.edge_of >= 0
    mentor[routed] = net.c[net.edge_of[routed]]
    return FlowResult(mentor, gap, stats)
