#!/usr/bin/env python3
"""Find import cycles between the modules of aksara-core.

Reads every `aksara-core/src/**/*.rs`, builds a graph whose nodes are the crate's top-level
modules (a folder module such as `compile/` counts as one node, and so does `compile.rs` with
its children), and adds an edge A -> B whenever a file of A names B through `crate::B`
(in a `use` line or a path in code) or through `super::B` from a child module.

Comments, string literals and `#[cfg(test)]` items are left out.

Prints every strongly connected component of more than one module, with the edges inside it,
and exits 1 if there is one, 0 otherwise.

Usage: python3 scripts/module_cycles.py [path/to/aksara-core/src]
"""

import os
import re
import sys

CRATE_PATH = re.compile(r"\bcrate::([a-z_][a-z0-9_]*)")
SUPER_PATH = re.compile(r"\bsuper::([a-z_][a-z0-9_]*)")
# `use crate::{a, b::c}` and `use super::{a, b}`: the group's first-level names.
CRATE_GROUP = re.compile(r"\b(crate|super)::\{")
# One pass, so that `//` inside a string or a `"` inside a comment is read correctly.
NOISE = re.compile(
    r'\br(#*)".*?"\1'  # raw string
    r'|"(?:\\.|[^"\\])*"'  # string
    r"|'(?:\\.|[^'\\])'"  # char literal (a lifetime has no closing quote)
    r"|//[^\n]*"  # line comment, doc comments included
    r"|/\*.*?\*/",  # block comment
    re.S,
)


TEST_ITEM = re.compile(r"#\[cfg\(test\)\]")


def strip(source):
    """Blank out comments and literals so that doc text and strings do not count as imports,
    and drop `#[cfg(test)]` items: test code is not part of the crate's module graph."""
    source = NOISE.sub(lambda match: '""' if match.group(0)[:1] in "r\"'" else " ", source)
    return drop_test_items(source)


def drop_test_items(source):
    """Removes each `#[cfg(test)]` item: up to its `;`, or through its braced body."""
    out, position = [], 0
    for match in TEST_ITEM.finditer(source):
        if match.start() < position:
            continue
        out.append(source[position : match.start()])
        i, depth = match.end(), 0
        while i < len(source):
            ch = source[i]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    i += 1
                    break
            elif ch == ";" and depth == 0:
                i += 1
                break
            i += 1
        position = i
    out.append(source[position:])
    return "".join(out)


def group_names(source, start):
    """First-level names of the brace group that opens just before `start`.

    For `crate::{a::{b, c}, d}` these are `a` and `d`: the first word after the opening brace
    and after each comma at the group's own depth.
    """
    firsts, expect, depth, word = [], True, 1, ""
    for ch in source[start:]:
        if depth == 1 and (ch.isalnum() or ch == "_"):
            word += ch
            continue
        if word:
            if expect:
                firsts.append(word)
            expect, word = False, ""
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        elif depth == 1 and ch == ",":
            expect = True
    return firsts


def depth_at(source, position):
    """Brace depth at `position`: 0 at file level, more inside items and inline modules."""
    return source.count("{", 0, position) - source.count("}", 0, position)


def module_of(rel_path):
    """Top-level module node of a file path relative to src, or None for the crate root."""
    parts = rel_path.replace(os.sep, "/").split("/")
    if parts == ["lib.rs"]:
        return None
    first = parts[0]
    return first[:-3] if first.endswith(".rs") else first


def parent_of(rel_path):
    """Module path (list of names) that `super::` refers to from this file."""
    parts = rel_path.replace(os.sep, "/").split("/")
    name = parts[-1][:-3]
    dirs = parts[:-1]
    if name == "mod":
        return dirs[:-1]
    return dirs


def build_graph(src):
    nodes, edges = set(), {}
    for root, _dirs, files in os.walk(src):
        for file in files:
            if not file.endswith(".rs"):
                continue
            path = os.path.join(root, file)
            rel = os.path.relpath(path, src)
            node = module_of(rel)
            if node is None:
                continue
            nodes.add(node)
            with open(path, encoding="utf-8") as handle:
                text = strip(handle.read())
            targets = set(CRATE_PATH.findall(text))
            for match in CRATE_GROUP.finditer(text):
                if match.group(1) == "crate":
                    targets.update(group_names(text, match.end()))
            # `super::` reaches a sibling at the crate root only from a file whose parent is the
            # crate root (a top-level file, or a folder's `mod.rs`), at file level: inside an
            # inline module (`mod tests`) or from a file deeper in a folder it stays in the node.
            if not parent_of(rel):
                for match in SUPER_PATH.finditer(text):
                    if depth_at(text, match.start()) == 0:
                        targets.add(match.group(1))
                for match in CRATE_GROUP.finditer(text):
                    if match.group(1) == "super" and depth_at(text, match.start()) == 0:
                        targets.update(group_names(text, match.end()))
            for target in targets:
                if target in ("self", "super", "crate") or target == node:
                    continue
                edges.setdefault(node, set()).add(target)
    for source in list(edges):
        edges[source] = {t for t in edges[source] if t in nodes}
    return nodes, edges


def strongly_connected(nodes, edges):
    """Tarjan's algorithm, iterative; returns the components as sorted lists."""
    index, low, on_stack, stack, result = {}, {}, set(), [], []
    counter = [0]
    for start in sorted(nodes):
        if start in index:
            continue
        work = [(start, iter(sorted(edges.get(start, ()))))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                result.append(sorted(component))
    return result


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default = os.path.join(here, "..", "aksara-core", "src")
    src = sys.argv[1] if len(sys.argv) > 1 else default
    nodes, edges = build_graph(src)
    cycles = [c for c in strongly_connected(nodes, edges) if len(c) > 1]
    if not cycles:
        print(f"no import cycle among {len(nodes)} modules")
        return 0
    for number, component in enumerate(sorted(cycles, key=len, reverse=True), 1):
        members = set(component)
        print(f"cycle {number}: {len(component)} modules: {', '.join(component)}")
        for source in component:
            inside = sorted(t for t in edges.get(source, ()) if t in members)
            print(f"  {source} -> {', '.join(inside)}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
