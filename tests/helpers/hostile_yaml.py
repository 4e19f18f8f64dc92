"""YAML that tries to hurt a loader: alias bombs, deep nesting, huge files, bad bytes."""

from __future__ import annotations

BILLION_LAUGHS = b"\n".join(
    [b'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]".encode()
        for i in range(8)
    ]
)

HOSTILE = {
    "alias bomb": BILLION_LAUGHS,
    "50,000-deep flow nesting": b"a: " + b"[" * 50_000 + b"]" * 50_000,
    "50,000-deep block nesting": b"- " * 50_000 + b"x\n",
    "deep mappings": b"".join(b"{a: " for _ in range(50_000)) + b"1" + b"}" * 50_000,
    "30 MB file": b"a: " + b"x" * (30 * 1024 * 1024),
    "invalid UTF-8": b"id: HR-001\ntitle: caf\xe9\n",
    "empty file": b"",
    "only whitespace": b"   \n\n",
    "only comments": b"# a comment\n",
    "list at the top": b"- id: HR-001\n",
    "scalar at the top": b"just text\n",
    "tab indentation": b"id: HR-001\nsteps:\n\t- id: a\n",
    "unclosed quote": b'id: HR-001\ntitle: "never closed\nstatus: draft\n',
    "unclosed flow": b"id: [a, b\n",
    "two documents": b"id: a\n---\nid: b\n",
    "python tag": b"id: !!python/object/apply:os.system ['echo hi']\n",
    "recursive alias": b"a: &a [*a]\n",
    "undefined alias": b"a: *nothing\n",
    "NUL byte": b"id: a\x00b\n",
    "mapping as key": b"? [a]\n: b\n",
    "many values": b"a: [" + b"1," * 300_000 + b"1]\n",
}
