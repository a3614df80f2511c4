"""A deterministic layout of the note graph, computed at build time so browsers do no physics.

Pure Python (Lemma has no numpy): Louvain splits the graph into communities (recursively while a
group is large), each group's parts are placed by a force simulation as discs sized by their
node count, and each small group is laid out node by node with links leaving the group pulling
its nodes towards the neighbours outside. Cost is about linear in the number of notes, and the
same graph gives the same coordinates on every machine (seeded, no hash-order dependence).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence

import networkx as nx

LEAF = 90  # a group this small is laid out node by node
PAIR_BUDGET = 60_000  # pair interactions per iteration budget (caps the cost of big leaves)
ITERATIONS = 45
SPACING = 28.0  # the average distance between neighbouring nodes in the final coordinates
Point = tuple[float, float]


def layout(adjacency: Mapping[str, set[str]], groups: Sequence[Sequence[str]] | None = None,
           seed: int = 0) -> dict[str, Point]:
    """Node -> (x, y) for an undirected graph given as neighbour sets; `groups` (e.g. the
    graph's Louvain communities) is the first split, computed here when None."""
    nodes = sorted(adjacency)
    if not nodes:
        return {}
    unit = _place(nodes, adjacency, {}, [list(g) for g in groups] if groups else None, seed)
    unit = _gather(unit, _components(nodes, adjacency))
    scale = SPACING * math.sqrt(len(nodes)) * 0.62
    return {n: (x * scale, y * scale) for n, (x, y) in unit.items()}


def _place(nodes: list[str], adjacency: Mapping[str, set[str]],
           anchors: Mapping[str, list[Point]], groups: list[list[str]] | None,
           seed: int) -> dict[str, Point]:
    """Positions of `nodes` in the unit disc; `anchors[n]` are points outside links pull to."""
    if len(nodes) <= LEAF:
        return _leaf(nodes, adjacency, anchors, seed)
    if groups is None:
        groups = _split(nodes, adjacency, seed)
    if len(groups) < 2:
        return _leaf(nodes, adjacency, anchors, seed)
    group_of = {n: i for i, g in enumerate(groups) for n in g}
    radii = [math.sqrt(len(g)) for g in groups]
    spread = math.sqrt(len(nodes))  # the simulation's scale: the unit disc times this
    weights: dict[tuple[int, int], float] = {}
    pulls: list[list[Point]] = [[] for _ in groups]
    for n in nodes:
        a = group_of[n]
        for m in sorted(adjacency[n]):
            b = group_of.get(m)
            if b is not None and a < b:
                weights[a, b] = weights.get((a, b), 0.0) + 1.0
        pulls[a] += [(x * spread, y * spread) for x, y in anchors.get(n, ())]
    centres = _relax(radii, weights, pulls, seed, gap=0.35)
    centres = _separate(centres, radii, gap=0.35)
    extent = max(math.hypot(x, y) + r for (x, y), r in zip(centres, radii, strict=True))
    out: dict[str, Point] = {}
    for i, group in enumerate(groups):
        (cx, cy), r = centres[i], radii[i]
        inner: dict[str, list[Point]] = {}
        for n in group:
            points = [((ax * extent - cx) / r, (ay * extent - cy) / r)
                      for ax, ay in anchors.get(n, ())]
            for m in sorted(adjacency[n]):
                b = group_of.get(m)
                if b is not None and b != i:
                    points.append(((centres[b][0] - cx) / r, (centres[b][1] - cy) / r))
            if points:
                inner[n] = [_clamp(p, 3.0) for p in points]
        local = _place(sorted(group), adjacency, inner, None, seed + i + 1)
        for n, (x, y) in local.items():
            out[n] = ((cx + x * r) / extent, (cy + y * r) / extent)
    return out


def _components(nodes: list[str], adjacency: Mapping[str, set[str]]) -> list[list[str]]:
    """Connected components, largest first (ties by first member), members sorted."""
    seen: set[str] = set()
    found = []
    for start in nodes:
        if start in seen:
            continue
        seen.add(start)
        stack, members = [start], []
        while stack:
            n = stack.pop()
            members.append(n)
            for m in adjacency[n]:
                if m not in seen and m in adjacency:
                    seen.add(m)
                    stack.append(m)
        found.append(sorted(members))
    return sorted(found, key=lambda c: (-len(c), c[0]))


def _gather(points: dict[str, Point], components: list[list[str]]) -> dict[str, Point]:
    """Stray components (an isolated note, a pair) moved in to just outside the largest one,
    each in its own direction, then renormalised: one orphan far out would otherwise shrink
    the whole drawing to a corner of the view."""
    if len(components) < 2:
        return points
    discs = []
    for c in components:
        cx = sum(points[n][0] for n in c) / len(c)
        cy = sum(points[n][1] for n in c) / len(c)
        r = max(math.hypot(points[n][0] - cx, points[n][1] - cy) for n in c)
        discs.append((cx, cy, r + 0.6 / math.sqrt(len(points))))
    mx, my, mr = discs[0]
    centres = [(mx, my)]
    for cx, cy, r in discs[1:]:
        d = math.hypot(cx - mx, cy - my)
        reach = mr + r
        if d > reach:
            cx, cy = mx + (cx - mx) * reach / d, my + (cy - my) * reach / d
        centres.append((cx, cy))
    radii = [r for _, _, r in discs]
    centres = _separate(centres, radii, gap=0.0)
    moved = {}
    for c, (cx, cy), (ox, oy, _) in zip(components, centres, discs, strict=True):
        for n in c:
            moved[n] = (points[n][0] + cx - ox, points[n][1] + cy - oy)
    order = list(points)
    return dict(zip(order, _normalise([moved[n] for n in order]), strict=True))


def _split(nodes: list[str], adjacency: Mapping[str, set[str]], seed: int) -> list[list[str]]:
    """Louvain communities of the subgraph on `nodes`, largest first, members sorted."""
    member = set(nodes)
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from((u, v) for u in nodes for v in sorted(adjacency[u]) if v in member and u < v)
    found = nx.community.louvain_communities(sub, seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def _leaf(nodes: list[str], adjacency: Mapping[str, set[str]],
          anchors: Mapping[str, list[Point]], seed: int) -> dict[str, Point]:
    """A force layout of a small group, normalised to the unit disc."""
    index = {n: i for i, n in enumerate(nodes)}
    weights = {(index[u], index[v]): 1.0 for u in nodes for v in adjacency[u]
               if v in index and index[u] < index[v]}
    size = 1.0 / math.sqrt(len(nodes))
    points = _relax([size] * len(nodes), weights, [list(anchors.get(n, ())) for n in nodes], seed)
    return dict(zip(nodes, _normalise(points), strict=True))


def _relax(radii: Sequence[float], weights: Mapping[tuple[int, int], float],
           pulls: Sequence[Sequence[Point]], seed: int, gap: float = 0.0) -> list[Point]:
    """Fruchterman–Reingold: bodies of radius `radii` repel; weighted edges and pulls towards
    fixed points (`pulls`, same frame) attract; seeded sunflower start, linear cooling."""
    n = len(radii)
    if n == 1:
        return [(0.0, 0.0)]
    rng = random.Random(seed)
    spread = math.sqrt(sum(r * r for r in radii))
    xs, ys = [], []
    for i in range(n):
        angle, dist = i * 2.399963229728653, spread * math.sqrt((i + 0.5) / n)
        xs.append(dist * math.cos(angle) + rng.uniform(-0.01, 0.01) * spread)
        ys.append(dist * math.sin(angle) + rng.uniform(-0.01, 0.01) * spread)
    edges = [(a, b, w) for (a, b), w in sorted(weights.items())]
    iterations = max(12, min(ITERATIONS, PAIR_BUDGET * 2 // (n * n)))
    temperature = spread * 0.3
    for step in range(iterations):
        dx, dy = [0.0] * n, [0.0] * n
        for i in range(n):
            xi, yi, ri = xs[i], ys[i], radii[i] + gap
            fx = fy = 0.0
            for j in range(i + 1, n):
                ex, ey = xi - xs[j], yi - ys[j]
                ideal = ri + radii[j]
                f = ideal * ideal / (ex * ex + ey * ey + 1e-9)
                ex *= f
                ey *= f
                fx += ex
                fy += ey
                dx[j] -= ex
                dy[j] -= ey
            dx[i] += fx
            dy[i] += fy
        for a, b, w in edges:
            ex, ey = xs[a] - xs[b], ys[a] - ys[b]
            f = w * math.sqrt(ex * ex + ey * ey) / (radii[a] + radii[b] + gap)
            dx[a] -= ex * f
            dy[a] -= ey * f
            dx[b] += ex * f
            dy[b] += ey * f
        cool = temperature * (1.0 - step / iterations) + 1e-4 * spread
        for i in range(n):
            for px, py in pulls[i]:
                ex, ey = xs[i] - px, ys[i] - py
                f = 0.5 * math.sqrt(ex * ex + ey * ey) / (2 * radii[i] + gap)
                dx[i] -= ex * f
                dy[i] -= ey * f
            dx[i] -= xs[i] * 0.05 * len(radii) ** 0.5 / spread
            dy[i] -= ys[i] * 0.05 * len(radii) ** 0.5 / spread
            length = math.hypot(dx[i], dy[i])
            if length > 0:
                move = min(length, cool) / length
                xs[i] += dx[i] * move
                ys[i] += dy[i] * move
    return list(zip(xs, ys, strict=True))


def _separate(centres: list[Point], radii: Sequence[float], gap: float) -> list[Point]:
    """Push overlapping discs apart (bigger discs move less) until none overlap."""
    xs = [c[0] for c in centres]
    ys = [c[1] for c in centres]
    n = len(xs)
    for _ in range(100):
        moved = False
        for i in range(n):
            for j in range(i + 1, n):
                ex, ey = xs[j] - xs[i], ys[j] - ys[i]
                d = math.hypot(ex, ey)
                need = radii[i] + radii[j] + gap
                if d >= need:
                    continue
                moved = True
                if d < 1e-9:
                    ex, ey, d = 1.0, 0.0, 1.0
                push = (need - d) / d
                share = radii[j] ** 2 / (radii[i] ** 2 + radii[j] ** 2)
                xs[i] -= ex * push * share
                ys[i] -= ey * push * share
                xs[j] += ex * push * (1 - share)
                ys[j] += ey * push * (1 - share)
        if not moved:
            break
    return list(zip(xs, ys, strict=True))


def _normalise(points: list[Point]) -> list[Point]:
    """Centre on the centroid and scale so the farthest point is at distance 1."""
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    far = max(math.hypot(x - cx, y - cy) for x, y in points) or 1.0
    return [((x - cx) / far, (y - cy) / far) for x, y in points]


def _clamp(point: Point, limit: float) -> Point:
    """The point moved towards the origin so it is at most `limit` away."""
    d = math.hypot(*point)
    return point if d <= limit else (point[0] * limit / d, point[1] * limit / d)
