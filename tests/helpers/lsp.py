"""The real YAML language server (npm's yaml-language-server, what VS Code's YAML extension
runs), driven over stdio as an editor drives it: LSP's JSON-RPC messages, each after a
Content-Length header.

scripts/test-all installs the server into ``.tools/`` (git-ignored) with npm; the editor
settings are given to it as VS Code gives them: the ``yaml.*`` keys of
``.vscode/settings.json`` as the ``yaml`` section the server asks for.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from conftest import REPO

SERVER = REPO / ".tools" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
WAIT = 120.0
"""Seconds to wait for an answer: a bound for a server that hangs, not a timing."""


def yaml_section(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The ``yaml`` section of VS Code settings (``yaml.schemas`` -> ``{"schemas": ...}``),
    with the schema store off: the tests stay off the network."""
    section = {key.removeprefix("yaml."): value for key, value in settings.items()
               if key.startswith("yaml.")}
    return {**section, "schemaStore": {"enable": False}, "validate": True,
            "completion": True, "hover": True}


class LanguageServer:
    """One yaml-language-server process for the workspace ``root``."""

    def __init__(self, root: Path, settings: Mapping[str, Any]) -> None:
        assert SERVER.is_file(), (f"no yaml-language-server at {SERVER}: bash scripts/test-all "
                                  "installs it (npm install --prefix .tools ...)")
        self.root = root
        self.section = yaml_section(settings)
        self.process = subprocess.Popen(["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._next_id = 0
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self._published: queue.Queue[dict[str, Any]] = queue.Queue()
        self._configured = threading.Event()
        self._lock = threading.Lock()
        self._writing = threading.Lock()
        assert self.process.stdout is not None
        threading.Thread(target=self._read, args=(self.process.stdout,), daemon=True).start()
        uri = root.as_uri()
        self.request("initialize", {
            "processId": None, "rootUri": uri,
            "workspaceFolders": [{"uri": uri, "name": root.name}],
            "capabilities": {
                "workspace": {"configuration": True,
                              "didChangeConfiguration": {"dynamicRegistration": True}},
                "textDocument": {"completion": {"completionItem": {"snippetSupport": True}},
                                 "publishDiagnostics": {}},
            },
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {}})
        assert self._configured.wait(WAIT), "the server never asked for its settings"
        # A round trip: the server has applied the settings when it answers the next request.
        self.request("textDocument/hover", {"textDocument": {"uri": (root / "none.yml").as_uri()},
                                            "position": {"line": 0, "character": 0}})

    def close(self) -> None:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.process.wait(WAIT)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> LanguageServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- what an editor asks -------------------------------------------------------------

    def open(self, path: Path) -> list[dict[str, Any]]:
        """Open ``path`` as an editor does; the diagnostics the server publishes for it."""
        uri = path.as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1,
            "text": path.read_text(encoding="utf-8")}})
        while True:
            published = self._published.get(timeout=WAIT)
            if published["uri"] == uri:
                diagnostics: list[dict[str, Any]] = published["diagnostics"]
                return diagnostics

    def completion(self, path: Path, line: int, character: int) -> list[str]:
        """The labels the server offers at (``line``, ``character``), from 0, in ``path``
        (opened already)."""
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": path.as_uri()},
            "position": {"line": line, "character": character}})
        items = result.get("items", []) if isinstance(result, dict) else result or []
        return [item["label"] for item in items]

    # -- JSON-RPC ------------------------------------------------------------------------

    def request(self, method: str, params: Any) -> Any:
        with self._lock:
            self._next_id += 1
            number = self._next_id
            answer: queue.Queue[dict[str, Any]] = queue.Queue()
            self._answers[number] = answer
        self._send({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        message = answer.get(timeout=WAIT)
        assert "error" not in message, message
        return message.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def _send(self, message: Mapping[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        assert self.process.stdin is not None
        with self._writing:  # the reader thread answers the server's requests too
            self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.process.stdin.flush()

    def _read(self, stream: IO[bytes]) -> None:
        while True:
            length = 0
            while (line := stream.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if not line:
                return  # the server ended
            self._received(json.loads(stream.read(length)))

    def _received(self, message: dict[str, Any]) -> None:
        if "method" not in message:  # an answer to one of ours
            with self._lock:
                answer = self._answers.pop(message["id"])
            answer.put(message)
            return
        if message["method"] == "textDocument/publishDiagnostics":
            self._published.put(message["params"])
        if "id" in message:  # the server asks: its settings, or to register things
            self._send({"jsonrpc": "2.0", "id": message["id"],
                        "result": self._answer(message["method"], message.get("params"))})
            if message["method"] == "workspace/configuration":
                self._configured.set()  # once answered: what is sent next comes after

    def _answer(self, method: str, params: Any) -> Any:
        if method != "workspace/configuration":
            return None
        return [self.section if item.get("section") == "yaml" else None
                for item in params["items"]]
