"""The reporters: text, json, github and sarif output of a fixed set of findings, and the one
escape policy of every report (validate's and diff's) through the command line."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import DATA, Golden
from jsonschema import Draft4Validator

from sopkit.check.diagnostics import IO, SCHEMA, SYNTAX, Diagnostic, RuleInfo
from sopkit.cli.main import main
from sopkit.report.validation import FORMATS, escape_data, escape_property, format_report

MISSING_OWNER = RuleInfo(
    name="missing-owner",
    severity="warning",
    summary="A procedure names no owner.",
    doc="""\
Every procedure needs an owner who keeps it current.

Bad:

```yaml
owner: ""
```
""",
)

RULES = [SYNTAX, SCHEMA, IO, MISSING_OWNER]

DIAGNOSTICS = [
    Diagnostic("procedures/hr/onboarding.yaml", 3, 8, "error", "schema",
               "'purpse' is not an allowed key; did you mean 'purpose'?"),
    Diagnostic("procedures/hr/onboarding.yaml", 12, 5, "warning", "missing-owner",
               "Step 2 has no owner: 100% of steps need one, e.g. role: HR, or IT"),
    Diagnostic("procedures/财务/报销.yaml", 7, 3, "error", "syntax",
               "第 7 行缩进错误：应为 2 个空格"),
    Diagnostic("procedures/my dir, v2/broken.yaml", 0, 0, "error", "io",
               "file cannot be read: permission denied"),
    Diagnostic("procedures/x.yaml", 1, 1, "warning", "not-a-known-rule",
               "a finding from a rule the reporter was not told about"),
]

FILES = 7


def report(fmt: str, diagnostics: list[Diagnostic] = DIAGNOSTICS, *, files: int = FILES,
           color: bool = False) -> str:
    return format_report(fmt, diagnostics, files=files, rules=RULES, color=color,
                         tool_version="9.9.9")


def sarif_validator() -> Draft4Validator:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


# -- golden files -------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "name"), [
    ("text", "text.txt"), ("json", "json.json"), ("github", "github.txt"),
    ("sarif", "sarif.json"),
])
def test_golden(golden: Golden, fmt: str, name: str) -> None:
    golden(f"report/{name}", report(fmt))


def test_golden_text_color(golden: Golden) -> None:
    golden("report/text-color.txt", report("text", color=True))


# -- every format -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_ends_with_one_newline(fmt: str) -> None:
    for diagnostics in (DIAGNOSTICS, []):
        out = report(fmt, diagnostics)
        assert out.endswith("\n")
        assert not out.endswith("\n\n")


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format 'xml'"):
        report("xml")


# -- text ---------------------------------------------------------------------------------------


def test_text_lines() -> None:
    lines = report("text").splitlines()
    assert lines[0] == ("procedures/hr/onboarding.yaml:3:8: error schema: "
                        "'purpse' is not an allowed key; did you mean 'purpose'?")
    assert lines[3] == ("procedures/my dir, v2/broken.yaml: error io: "
                        "file cannot be read: permission denied")
    assert lines[-2] == ""
    assert lines[-1] == "3 errors and 2 warnings in 7 files"


@pytest.mark.parametrize(("diagnostics", "files", "expected"), [
    ([], 3, "No problems in 3 files"),
    ([], 1, "No problems in 1 file"),
    ([], 0, "No problems in 0 files"),
    (DIAGNOSTICS[:1], 1, "1 error in 1 file"),
    (DIAGNOSTICS[1:2], 2, "1 warning in 2 files"),
    (DIAGNOSTICS[:2], 1, "1 error and 1 warning in 1 file"),
    (DIAGNOSTICS[:3], 7, "2 errors and 1 warning in 7 files"),
])
def test_text_summary(diagnostics: list[Diagnostic], files: int, expected: str) -> None:
    assert report("text", diagnostics, files=files).splitlines()[-1] == expected


def test_text_empty() -> None:
    assert report("text", []) == "No problems in 7 files\n"
    assert report("text", [], files=3) == "No problems in 3 files\n"


def test_text_color_only_when_asked() -> None:
    assert "\x1b[" not in report("text")
    assert "\x1b[" not in report("text", [], color=True)
    colored = report("text", color=True)
    assert "\x1b[1mprocedures/hr/onboarding.yaml:3:8:\x1b[0m" in colored
    assert "\x1b[31merror\x1b[0m" in colored
    assert "\x1b[33mwarning\x1b[0m" in colored
    assert "\x1b[2mschema\x1b[0m" in colored


@pytest.mark.parametrize("fmt", ["json", "github", "sarif"])
def test_no_color_in_machine_formats(fmt: str) -> None:
    assert "\x1b[" not in report(fmt, color=True)
    assert report(fmt, color=True) == report(fmt)


def test_text_control_characters_are_made_visible() -> None:
    d = Diagnostic("a\x1b.yaml", 1, 1, "error", "schema", "value '\x1b[2J' and\nnext line")
    out = report("text", [d])
    assert "\x1b" not in out
    assert out.splitlines()[0] == r"a\x1b.yaml:1:1: error schema: value '\x1b[2J' and\x0anext line"


# One policy for every format: control and bidirectional characters (from a file name or
# from procedure text quoted in a message) never reach the output raw.
HOSTILE = Diagnostic("procedures/\u202egpj.yml\x1b[2J\x7f\x9b.yml", 3, 1, "error", "schema",
                     "value '\u2066admin\u2069 \u202eevil\u202c' and \x1b]0;title\x07 "
                     "\u200f\u061c\u2028\u0085")
RAW = ["\x1b", "\x07", "\x7f", "\x85", "\x9b", "\u061c", "\u200f", "\u2028", "\u2066",
       "\u2069", "\u202c", "\u202e"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_control_or_bidi_character_reaches_any_format_raw(fmt: str) -> None:
    out = report(fmt, [HOSTILE])
    assert not [char for char in RAW if char in out]
    assert out.isprintable() or set(out) - set(filter(str.isprintable, out)) == {"\n"}
    if fmt in ("json", "sarif", "gitlab"):  # JSON's own escapes: the exact values, parsed
        assert "\\u202eevil" in out and "\\u001b]0;title\\u0007" in out
    else:
        assert "\\u202eevil" in out and "procedures/\\u202egpj.yml\\x1b[2J\\x7f\\x9b.yml" in out


def test_text_and_github_show_the_same_escapes() -> None:
    text = report("text", [HOSTILE]).splitlines()[0]
    github = report("github", [HOSTILE]).splitlines()[0]
    message = text.split(" error schema: ", 1)[1]
    assert github.endswith("::" + message)
    assert text.startswith(r"procedures/\u202egpj.yml\x1b[2J\x7f\x9b.yml:3:1: ")


def test_json_and_sarif_keep_the_exact_values() -> None:
    [parsed] = json.loads(report("json", [HOSTILE]))["diagnostics"]
    assert Diagnostic(**parsed) == HOSTILE
    result = json.loads(report("sarif", [HOSTILE]))["runs"][0]["results"][0]
    assert result["message"]["text"] == HOSTILE.message
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "procedures/%E2%80%AEgpj.yml%1B%5B2J%7F%C2%9B.yml"


def test_text_line_without_column() -> None:
    d = Diagnostic("a.yaml", 4, 0, "warning", "schema", "m")
    assert report("text", [d]).splitlines()[0] == "a.yaml:4: warning schema: m"


# -- json ---------------------------------------------------------------------------------------


def test_json_round_trip() -> None:
    data = json.loads(report("json"))
    assert list(data) == ["diagnostics", "summary"]
    assert [Diagnostic(**d) for d in data["diagnostics"]] == DIAGNOSTICS
    assert list(data["diagnostics"][0]) == ["file", "line", "column", "severity", "rule",
                                            "message"]
    assert data["summary"] == {"files": 7, "errors": 3, "warnings": 2}


def test_json_keeps_chinese_readable() -> None:
    out = report("json")
    assert "第 7 行缩进错误" in out
    assert "\\u" not in out


def test_json_empty() -> None:
    assert json.loads(report("json", [], files=3)) == {
        "diagnostics": [], "summary": {"files": 3, "errors": 0, "warnings": 0}}


# -- github -------------------------------------------------------------------------------------


def test_github_commands() -> None:
    lines = report("github").splitlines()
    assert lines[0] == ("::error file=procedures/hr/onboarding.yaml,line=3,col=8,"
                        "title=sopkit schema::'purpse' is not an allowed key; "
                        "did you mean 'purpose'?")
    # in the message only % (and newlines) are escaped; ":" and "," stay
    assert lines[1] == ("::warning file=procedures/hr/onboarding.yaml,line=12,col=5,"
                        "title=sopkit missing-owner::"
                        "Step 2 has no owner: 100%25 of steps need one, e.g. role: HR, or IT")
    # whole-file: no line or col; ":" and "," in the path are escaped
    assert lines[3] == ("::error file=procedures/my dir%2C v2/broken.yaml,title=sopkit io::"
                        "file cannot be read: permission denied")
    assert lines[-1] == "3 errors and 2 warnings in 7 files"
    assert len(lines) == len(DIAGNOSTICS) + 1


def test_github_empty() -> None:
    assert report("github", [], files=3) == "No problems in 3 files\n"


@pytest.mark.parametrize(("text", "data", "prop"), [
    ("plain", "plain", "plain"),
    ("100%", "100%25", "100%25"),
    ("%25", "%2525", "%2525"),
    ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
    ("a:b,c", "a:b,c", "a%3Ab%2Cc"),
    ("C:\\x,y%\n", "C:\\x,y%25%0A", "C%3A\\x%2Cy%25%0A"),
    ("报销:流程", "报销:流程", "报销%3A流程"),
])
def test_github_escaping(text: str, data: str, prop: str) -> None:
    assert escape_data(text) == data
    assert escape_property(text) == prop


def test_github_message_cannot_inject_a_command() -> None:
    d = Diagnostic("a:b.yaml", 2, 0, "error", "schema", "bad\n::error file=x::fake")
    out = report("github", [d])
    # the newline is shown as the text format shows it, on the one line of the annotation
    assert out.splitlines()[0] == ("::error file=a%3Ab.yaml,line=2,title=sopkit schema::"
                                   "bad\\x0a::error file=x::fake")
    assert len(out.splitlines()) == 2


# -- sarif --------------------------------------------------------------------------------------


def sarif(diagnostics: list[Diagnostic] = DIAGNOSTICS, rules: list[RuleInfo] = RULES
          ) -> dict[str, Any]:
    out = format_report("sarif", diagnostics, files=FILES, rules=rules, tool_version="9.9.9")
    data: dict[str, Any] = json.loads(out)
    return data


@pytest.mark.parametrize("diagnostics", [DIAGNOSTICS, []])
def test_sarif_is_valid(diagnostics: list[Diagnostic]) -> None:
    errors = list(sarif_validator().iter_errors(sarif(diagnostics)))
    assert not errors, [e.message for e in errors]


def test_sarif_run() -> None:
    data = sarif()
    assert data["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert data["version"] == "2.1.0"
    assert len(data["runs"]) == 1
    driver = data["runs"][0]["tool"]["driver"]
    assert driver["name"] == "sopkit"
    assert driver["version"] == "9.9.9"
    assert driver["informationUri"].startswith("https://")


def test_sarif_lists_every_rule() -> None:
    rules = sarif([])["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.name for r in RULES]
    owner = rules[3]
    assert owner == {
        "id": "missing-owner",
        "name": "missing-owner",
        "shortDescription": {"text": "A procedure names no owner."},
        "fullDescription": {"text": "Every procedure needs an owner who keeps it current."},
        "help": {"text": MISSING_OWNER.doc, "markdown": MISSING_OWNER.doc},
        "defaultConfiguration": {"level": "warning"},
    }
    assert rules[0]["defaultConfiguration"] == {"level": "error"}


def test_sarif_duplicate_rules_listed_once() -> None:
    rules = sarif([], [SYNTAX, SCHEMA, SYNTAX])["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["syntax", "schema"]


def test_sarif_results() -> None:
    data = sarif()
    run = data["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(DIAGNOSTICS)
    for result, d in zip(results, DIAGNOSTICS, strict=True):
        assert result["ruleId"] == d.rule
        assert result["level"] == d.severity
        assert result["message"] == {"text": d.message}
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == d.rule
    first = results[0]["locations"][0]["physicalLocation"]
    assert first == {
        "artifactLocation": {"uri": "procedures/hr/onboarding.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 3, "startColumn": 8},
    }


def test_sarif_whole_file_has_no_region_and_uri_is_encoded() -> None:
    location = sarif()["runs"][0]["results"][3]["locations"][0]["physicalLocation"]
    assert location == {"artifactLocation": {"uri": "procedures/my%20dir%2C%20v2/broken.yaml",
                                             "uriBaseId": "%SRCROOT%"}}
    chinese = sarif()["runs"][0]["results"][2]["locations"][0]["physicalLocation"]
    assert chinese["artifactLocation"]["uri"] == (
        "procedures/%E8%B4%A2%E5%8A%A1/%E6%8A%A5%E9%94%80.yaml")


def test_sarif_unknown_rule_has_no_rule_index() -> None:
    result = sarif()["runs"][0]["results"][4]
    assert result["ruleId"] == "not-a-known-rule"
    assert "ruleIndex" not in result


@pytest.mark.parametrize(("path", "expected"), [
    ("a\\b c.yaml", {"uri": "a/b%20c.yaml", "uriBaseId": "%SRCROOT%"}),
    ("./a.yaml", {"uri": "a.yaml", "uriBaseId": "%SRCROOT%"}),
    ("a:b#c?.yaml", {"uri": "a%3Ab%23c%3F.yaml", "uriBaseId": "%SRCROOT%"}),
    ("/abs/a b.yaml", {"uri": "file:///abs/a%20b.yaml"}),
    ("C:\\work\\a.yaml", {"uri": "file:///C:/work/a.yaml"}),
])
def test_sarif_uris(path: str, expected: dict[str, str]) -> None:
    d = Diagnostic(path, 1, 1, "error", "schema", "m")
    result = sarif([d])["runs"][0]["results"][0]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == expected


def test_sarif_empty() -> None:
    run = sarif([])["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(RULES)


def test_sarif_is_deterministic_and_readable() -> None:
    out = report("sarif")
    assert out == report("sarif")
    assert "第 7 行缩进错误" in out


# -- one escape policy for every report, through the command line ---------------------------------

UNSAFE_CHARACTERS = "\u202e\u202c\x1b\u2066\u2067\u2069\u200f\u061c\x85\x9b"
"""Control characters (C0, C1) and bidirectional controls, which no report writes raw."""

HOSTILE_TITLE = "Good \u202eonboarding\x1b[2J\u2066x\u2069 \u200f\u061c\x9b"
HOSTILE_STATUS = "\u202edevorppa\u202c"


def _hostile_handbook(root: Path) -> Path:
    """A git repository with two procedures, changed after the commit: HR-001's title holds
    hostile characters (valid), HR-002's status and an unknown key do (schema errors)."""
    shutil.copytree(DATA / "cli" / "handbook", root)
    for path in (root / "procedures").iterdir():
        if path.name != "HR-001-good.yml":
            path.unlink()
    good = root / "procedures" / "HR-001-good.yml"
    text = good.read_text(encoding="utf-8")
    other = root / "procedures" / "HR-002-other.yml"
    other.write_text(text.replace("HR-001", "HR-002"), encoding="utf-8")
    git = ["git", "-c", "user.name=sopkit", "-c", "user.email=sopkit@example.com"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "base"]):
        subprocess.run([*git, *command], cwd=root, check=True, capture_output=True)
    good.write_text(text.replace("title: Good onboarding", "title: " + json.dumps(HOSTILE_TITLE)),
                    encoding="utf-8")
    other.write_text(text.replace("HR-001", "HR-002")
                     .replace("status: draft", "status: " + json.dumps(HOSTILE_STATUS))
                     .replace("purpose: Ready by day one.",
                              'purpose: Ready by day one.\n"k\\u202ey\\e[2J\\u2067": 1'),
                     encoding="utf-8")
    return root


def _command(root: Path, monkeypatch: pytest.MonkeyPatch, *arguments: str) -> str:
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setenv("SOPKIT_CACHE_DIR", str(root.parent / "cache"))
    done = CliRunner().invoke(main, list(arguments))
    assert done.exit_code == 1, (arguments, done.output)
    return done.stdout


@pytest.mark.parametrize("command", [
    ("validate", "text"), ("validate", "github"), ("validate", "json"), ("validate", "sarif"),
    ("validate", "gitlab"), ("diff", "text"), ("diff", "markdown"), ("diff", "json"),
])
def test_no_report_writes_a_control_or_bidi_character_raw(
    command: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    name, fmt = command
    root = _hostile_handbook(tmp_path / "hb")
    arguments = ["validate", "--format", fmt] if name == "validate" else ["diff", "HEAD",
                                                                           "--format", fmt]
    out = _command(root, monkeypatch, *arguments)
    assert not set(out) & set(UNSAFE_CHARACTERS), [c for c in out if c in UNSAFE_CHARACTERS]
    if fmt in ("json", "sarif", "gitlab"):
        # Data for scripts: the exact text once parsed, JSON's \uXXXX escapes in the text.
        assert "\\u202edevorppa\\u202c" in out
        data = json.loads(out)
        if name == "validate":
            messages = ([d["message"] for d in data["diagnostics"]] if fmt == "json" else
                        [issue["description"] for issue in data] if fmt == "gitlab" else
                        [r["message"]["text"] for r in data["runs"][0]["results"]])
            assert any(HOSTILE_STATUS in message for message in messages)
            assert any("'k\u202ey\x1b[2J\u2067'" in message for message in messages)
        else:
            changes = {p["id"]: p["other_changes"] for p in data["procedures"]}
            assert changes["HR-001"][0]["after"] == HOSTILE_TITLE
    else:
        # For people: every such character as an escape.
        shown = out.replace("\\\\", "\\").replace("\\[", "[")  # Markdown's own escapes
        assert "\\u202edevorppa\\u202c" in shown
        assert "k\\u202ey\\x1b[2J\\u2067" in shown
        if name == "diff":
            assert "Good \\u202eonboarding\\x1b[2J\\u2066x\\u2069 \\u200f\\u061c\\x9b" in shown
