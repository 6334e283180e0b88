#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Every PromQL expression of the dashboards and rules, for the tests.

  promql_exprs.py exprs
      One JSON object a line: {"where", "expr", "probe"}. expr has Grafana's
      variables substituted ($instance -> .*, $__rate_interval -> 1m);
      probe is what must return series on a running agent: the expression,
      or for an alert the expression without its threshold.
  promql_exprs.py names EXPOSITION...
      The metric names the expressions use must all be exposed (by one of
      the scrapes given, text exposition format), recorded by a rule, or
      Prometheus' own (up). Lists them; exit status 1 if one is missing.

Run with /usr/bin/python3 (Debian's python3-yaml).
"""
import glob
import json
import os
import re
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
DASHBOARDS = os.path.dirname(HERE)
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
KEYWORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
            "bool", "offset", "inf", "nan", "atan2"}
VARIABLES = {"$instance": ".*", "${instance}": ".*", "$__rate_interval": "1m", "$__interval": "15s",
             "$__range": "1h"}
THRESHOLD = re.compile(r"\s*(==|!=|>=|<=|>|<)\s*(bool\s+)?-?[0-9.eE+]+\s*$")


def substitute(expr):
    for k, v in VARIABLES.items():
        expr = expr.replace(k, v)
    return expr


def walk_panels(panels):
    for p in panels:
        yield p
        yield from walk_panels(p.get("panels", []))


def expressions():
    """(where, expr, probe) for every expression."""
    for path in sorted(glob.glob(os.path.join(DASHBOARDS, "*.json"))):
        d = json.load(open(path))
        name = os.path.basename(path)
        for v in d.get("templating", {}).get("list", []):
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.match(r"^label_values\((.*),\s*\w+\)$", q or "")
            if m:  # Grafana's label_values(selector, label): the selector must have series
                e = substitute(m.group(1))
                yield f"{name}: variable {v['name']}", e, e
        for p in walk_panels(d.get("panels", [])):
            for t in p.get("targets", []):
                if t.get("expr"):
                    e = substitute(t["expr"])
                    yield f"{name}: panel '{p['title']}' {t.get('refId', '')}", e, e
    for path in sorted(glob.glob(os.path.join(DASHBOARDS, "*rules*.yml"))):
        name = os.path.basename(path)
        for g in yaml.safe_load(open(path))["groups"]:
            for r in g["rules"]:
                e = str(r["expr"]).strip()
                if "alert" in r:
                    yield f"{name}: alert {r['alert']}", e, THRESHOLD.sub("", e)
                else:
                    yield f"{name}: record {r['record']}", e, e


def recorded():
    out = set()
    for path in glob.glob(os.path.join(DASHBOARDS, "*rules*.yml")):
        for g in yaml.safe_load(open(path))["groups"]:
            out |= {r["record"] for r in g["rules"] if "record" in r}
    return out


def metric_names(expr):
    e = re.sub(r'"(\\.|[^"\\])*"|\'(\\.|[^\'\\])*\'', '""', expr)  # strings
    e = re.sub(r"\{[^}]*\}", "", e)                                   # label matchers
    e = re.sub(r"\[[^\]]*\]", "", e)                                  # ranges, subqueries
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)  # label lists
    e = re.sub(r"\boffset\s+\w+", " ", e)
    names = set()
    for m in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?", e):
        tok, call = m.group(1), m.group(2)
        if call or tok.lower() in KEYWORDS:
            continue
        names.add(tok)
    return names


def exposed(paths):
    out = set()
    for p in paths:
        for line in open(p):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            out.add(re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0))
    return out


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "exprs":
        for where, e, probe in expressions():
            print(json.dumps({"where": where, "expr": e, "probe": probe}))
        return 0
    if len(sys.argv) >= 3 and sys.argv[1] == "names":
        have = exposed(sys.argv[2:])
        allowed = have | recorded() | PROMETHEUS_OWN
        missing = {}
        used = set()
        for where, e, _ in expressions():
            for n in metric_names(e):
                used.add(n)
                if n not in allowed:
                    missing.setdefault(n, []).append(where)
        print(f"{len(used)} metric names used by dashboards and rules, {len(have)} exposed")
        for n in sorted(used):
            print(f"  {'ok  ' if n in allowed else 'MISSING'} {n}")
        for n, wheres in sorted(missing.items()):
            print(f"not exposed: {n} (in {'; '.join(wheres)})", file=sys.stderr)
        return 1 if missing else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
