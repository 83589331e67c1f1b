"""Geometry of the report's pictures, computed at build time: the browser lays out nothing.

The charts and the outlet/account graph are SVG drawn by templates from the numbers here
(coordinates, sizes, labels), so the report needs no script and no library in the browser,
and a picture is the same wherever it is opened. The graph layout is networkx's.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from crawler.report.model import MARKS, Report

# ---- charts ---------------------------------------------------------------------------------


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    cls: str
    title: str


@dataclass
class Chart:
    width: int
    height: int
    bars: list[Bar] = field(default_factory=list)
    labels: list[tuple[float, float, str, str]] = field(default_factory=list)  # x, y, anchor, text
    rules: list[tuple[float, float, float, float]] = field(default_factory=list)  # x1, y1, x2, y2
    legend: list[tuple[str, str]] = field(default_factory=list)  # colour class, platform
    rows: list[tuple[str, list[int]]] = field(default_factory=list)  # the data, for the table
    columns: list[str] = field(default_factory=list)
    unit: str = "day"


def platform_chart(report: Report) -> Chart:
    """Horizontal bars: distinct posts per platform, most first."""
    counts = report.platforms.most_common()
    row, label_w, width = 26, 150, 560  # room for the labels at the phone font size too (report.css)
    chart = Chart(width=width, height=max(row * len(counts) + 8, 30), columns=["posts"])
    top = max((n for _, n in counts), default=1)
    plot_w = width - label_w - 48
    for i, (platform, n) in enumerate(counts):
        y = 4 + i * row
        w = max(plot_w * n / top, 1.5)
        chart.bars.append(Bar(label_w, y + 3, w, row - 8, report.colour(platform), f"{platform}: {n} posts"))
        chart.labels.append((label_w - 8, y + row / 2 + 5, "end", platform))
        chart.labels.append((label_w + w + 6, y + row / 2 + 5, "start", str(n)))
        chart.rows.append((platform, [n]))
    return chart


def _bucket(day: str, unit: str) -> str:
    d = date.fromisoformat(day)
    if unit == "week":
        return (d - timedelta(days=d.weekday())).isoformat()
    if unit == "month":
        return day[:7]
    return day


def _buckets(first: str, last: str, unit: str) -> list[str]:
    """Every bucket from first to last, empty ones included: the x axis is time."""
    out, d, end = [], date.fromisoformat(_bucket(first, unit) + ("-01" if unit == "month" else "")), \
        date.fromisoformat(last)
    while d <= end:
        out.append(_bucket(d.isoformat(), unit))
        if unit == "month":
            d = (d.replace(day=28) + timedelta(days=4)).replace(day=1)
        else:
            d += timedelta(days=7 if unit == "week" else 1)
    return out


def timeline_chart(report: Report) -> Chart:
    """Stacked columns: posts cited per day (per week or month over long spans), by platform."""
    first, last = report.span
    width, height, left, bottom, top_pad = 640, 250, 50, 40, 12
    chart = Chart(width=width, height=height)
    if not first or not last:
        return chart
    span = (date.fromisoformat(last) - date.fromisoformat(first)).days
    unit = "day" if span <= 62 else "week" if span <= 7 * 80 else "month"
    chart.unit = unit
    buckets = _buckets(first, last, unit)
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for a in report.articles:
        if a.date:
            for c in a.cards:
                per[_bucket(a.date, unit)][c.post["platform"]] += 1
    platforms = [p for p, _ in report.platforms.most_common()]
    chart.columns = platforms
    top = max((sum(per[b].values()) for b in buckets), default=0) or 1
    step = _nice_step(top)
    top = step * math.ceil(top / step)
    plot_w, plot_h = width - left - 8, height - bottom - top_pad
    col = plot_w / len(buckets)
    for tick in range(0, top + 1, step):
        y = top_pad + plot_h - plot_h * tick / top
        chart.rules.append((left, y, width - 8, y))
        chart.labels.append((left - 6, y + 4, "end", str(tick)))
    for i, b in enumerate(buckets):
        y = top_pad + plot_h
        for p in platforms:
            n = per[b][p]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            chart.bars.append(Bar(left + i * col + col * 0.1, y, max(col * 0.8, 0.5), h, report.colour(p),
                                  f"{b}: {n} {p}"))
        if per[b]:
            chart.rows.append((b, [per[b][p] for p in platforms]))
    ends = {0: "start", len(buckets) - 1: "end"}
    for i in sorted({0, len(buckets) // 2, len(buckets) - 1}):
        x = left + i * col if i == 0 else left + (i + 1) * col if i == len(buckets) - 1 else left + (i + 0.5) * col
        chart.labels.append((x, height - bottom + 22, ends.get(i, "middle"), buckets[i]))
    chart.legend = [(report.colour(p), p) for p in platforms]
    return chart


def _nice_step(top: int) -> int:
    """A round tick step (1, 2, 5 times a power of ten) giving at most five steps."""
    scale = 1
    while True:
        for step in (1, 2, 5):
            if top / (step * scale) <= 5:
                return step * scale
        scale *= 10


# ---- the outlet/account graph ----------------------------------------------------------------


@dataclass
class Node:
    id: str
    kind: str  # outlet | account
    label: str
    title: str
    x: float
    y: float
    r: float
    cls: str
    site: str | None = None  # outlets: the index filtered on this site

    @property
    def label_x(self) -> float:
        """Labels sit on the outer side of a node (left of centre: to its left), inside the margins."""
        return round(self.x - self.r - 4 if self.anchor == "end" else self.x + self.r + 4, 1)

    anchor: str = "start"


@dataclass
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    outlet: str
    handle: str
    platform: str
    citations: int


@dataclass
class Graph:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]
    layout: str
    labelled: bool


SPRING_MAX_NODES = 300  # networkx's force layout is quadratic: above this, two columns


def graph_of(report: Report):
    """The bipartite graph: an outlet cites an account's posts (edge weight: citations)."""
    import networkx as nx

    g = nx.Graph()
    for a in report.articles:
        outlet = ("outlet", a.site)
        g.add_node(outlet, bipartite=0)
        for c in a.cards:
            v = c.view
            if not v.handle:
                continue
            account = ("account", v.platform, v.handle.lower())
            g.add_node(account, bipartite=1, handle=v.handle)
            w = g.get_edge_data(outlet, account, {}).get("weight", 0)
            g.add_edge(outlet, account, weight=w + 1)
    return g


def _positions(g, outlets: list, accounts: list) -> tuple[dict, str]:
    import networkx as nx

    if not len(g):
        return {}, "none"
    if len(g) <= SPRING_MAX_NODES:
        return nx.spring_layout(g, seed=7, iterations=120, k=1.6 / math.sqrt(len(g))), "force-directed"
    # two columns, accounts ordered by the mean rank of the outlets citing them (fewer crossings)
    rank = {n: i for i, n in enumerate(outlets)}
    accounts = sorted(accounts, key=lambda n: (sum(rank[m] for m in g[n]) / max(len(g[n]), 1), n))
    g2 = nx.Graph()
    g2.add_nodes_from(outlets)
    g2.add_nodes_from(accounts)
    return nx.bipartite_layout(g2, outlets, align="vertical"), "two columns"


def graph_figure(report: Report) -> Graph:
    g = graph_of(report)
    outlets = sorted(n for n in g if n[0] == "outlet")
    accounts = sorted(n for n in g if n[0] == "account")
    pos, layout = _positions(g, outlets, accounts)
    two_columns = layout == "two columns"
    width = 960
    height = max(640, 16 * len(accounts) + 80) if two_columns else 640
    margin_l, margin_r, margin_y = (220, 220, 30) if two_columns else (210, 210, 30)
    xs = [float(p[0]) for p in pos.values()] or [0.0]
    ys = [float(p[1]) for p in pos.values()] or [0.0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

    sx, sy = (width - margin_l - margin_r) / ((x1 - x0) or 1), (height - 2 * margin_y) / ((y1 - y0) or 1)
    placed = {n: (round(margin_l + (float(x) - x0) * sx, 1), round(margin_y + (float(y) - y0) * sy, 1))
              for n, (x, y) in pos.items()}  # Python floats: numpy's are slow to round and to print
    place = placed.__getitem__

    labelled = len(accounts) <= 150
    nodes = []
    for n in outlets:
        x, y = place(n)
        deg = g.degree(n, weight="weight")
        nodes.append(Node(id=n[1], kind="outlet", label=n[1], title=f"{n[1]}: {deg} citations of accounts",
                          x=x, y=y, r=round(7 + min(math.sqrt(deg), 9), 1), cls="outlet",
                          site=n[1]))
    for n in accounts:
        x, y = place(n)
        handle = g.nodes[n]["handle"]
        deg = g.degree(n, weight="weight")
        mark = MARKS.get(n[1], n[1][:2].upper())
        nodes.append(Node(id=f"{n[1]}:{n[2]}", kind="account", label=f"@{handle} ({mark})",
                          title=f"@{handle} on {n[1]}: cited {deg} times by {g.degree(n)} outlets",
                          x=x, y=y, r=round(4 + min(math.sqrt(deg), 6), 1), cls=report.colour(n[1])))
    edges = []
    for u, v, data in g.edges(data=True):
        (ax, ay), (bx, by) = place(u), place(v)
        o, a = (u, v) if u[0] == "outlet" else (v, u)
        edges.append(Edge(ax, ay, bx, by, round(min(1 + math.log2(data["weight"]), 5), 2),
                          outlet=o[1], handle=g.nodes[a]["handle"], platform=a[1], citations=data["weight"]))
    edges.sort(key=lambda e: (e.outlet, -e.citations, e.platform, e.handle.lower()))
    for node in nodes:
        node.anchor = "end" if node.x < width / 2 else "start"
    return Graph(width=width, height=height, nodes=nodes, edges=edges, layout=layout, labelled=labelled)
