"""Render a page in headless Chromium and report what happened, over the DevTools protocol.

Talks to Chromium through `--remote-debugging-pipe` (JSON messages on file descriptors 3 and 4),
so it needs nothing beyond the standard library and the `chromium` binary.

    python tests/browser.py report.html shot.png [width [max-height]]
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageResult:
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    failed: list[str] = field(default_factory=list)  # requests that failed, with the reason
    console_errors: list[str] = field(default_factory=list)  # console errors, log errors, exceptions
    values: dict = field(default_factory=dict)  # results of the `evaluate` expressions
    screenshot: bytes = b""


class _Pipe:
    def __init__(self, proc: subprocess.Popen, write_fd: int, read_fd: int) -> None:
        self.proc, self.write_fd, self.read_fd = proc, write_fd, read_fd
        self.next_id = 0
        self.buffer = b""
        self.events: list[dict] = []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self.write_fd, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._message(deadline)
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        for i, event in enumerate(self.events):
            if event.get("method") == method:
                return self.events.pop(i)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = self._message(deadline)
            if event.get("method") == method:
                return event
            self.events.append(event)
        raise TimeoutError(method)

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self.read_fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError("chromium sent nothing in time")
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        raw, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(raw)


def render(page: Path, *, width: int = 1100, height: int = 900, max_height: int = 12000, media: str = "",
           evaluate: dict[str, str] | None = None, chromium: str | None = None, timeout: float = 60) -> PageResult:
    """Load `page` (a file) at a viewport of `width` CSS pixels (`media="print"` to emulate print),
    take a full-page screenshot, and collect network requests, failures, console errors and the
    results of the `evaluate` JavaScript expressions."""
    binary = chromium or find_chromium()
    if not binary:
        raise FileNotFoundError("chromium is not installed (apt-get install -y chromium)")
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    with tempfile.TemporaryDirectory() as profile:
        proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=lambda: _onto_3_and_4(to_browser_r, from_browser_w),
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        pipe = _Pipe(proc, to_browser_w, from_browser_r)
        try:
            return _drive(pipe, page, width, height, max_height, media, evaluate or {}, timeout)
        finally:
            try:
                pipe.send("Browser.close", timeout=5)
            except Exception:
                pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            os.close(to_browser_w)
            os.close(from_browser_r)


def _onto_3_and_4(read_fd: int, write_fd: int) -> None:
    """In the child: Chromium reads DevTools commands from fd 3 and writes replies to fd 4."""
    a, b = os.dup(read_fd), os.dup(write_fd)  # a < b, both free slots, so neither dup2 clobbers the other
    os.dup2(a, 3)
    os.dup2(b, 4)


def _drive(pipe: _Pipe, page: Path, width: int, height: int, max_height: int, media: str, evaluate: dict,
           timeout: float) -> PageResult:
    target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.send(f"{domain}.enable", session=session)
    pipe.send("Emulation.setDeviceMetricsOverride",
              {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 700}, session=session)
    if media:
        pipe.send("Emulation.setEmulatedMedia", {"media": media}, session=session)
    pipe.send("Page.navigate", {"url": page.resolve().as_uri()}, session=session)
    pipe.wait_for("Page.loadEventFired", timeout=timeout)
    time.sleep(0.5)  # let late requests and console messages arrive
    result = PageResult()
    for name, expression in evaluate.items():
        reply = pipe.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=session)
        result.values[name] = reply.get("result", {}).get("value")
    metrics = pipe.send("Page.getLayoutMetrics", session=session)
    full = metrics.get("cssContentSize") or metrics["contentSize"]
    shot = pipe.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True,
                                                "clip": {"x": 0, "y": 0, "width": width,
                                                         "height": min(full["height"], max_height), "scale": 1}},
                     session=session)
    result.screenshot = base64.b64decode(shot["data"])
    for event in pipe.events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Network.requestWillBeSent":
            result.requests.append(params["request"]["url"])
        elif method == "Network.loadingFailed":
            result.failed.append(f"{params.get('errorText')} ({params.get('requestId')})")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            result.console_errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
        elif method == "Runtime.exceptionThrown":
            result.console_errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            result.console_errors.append(params["entry"].get("text", ""))
    return result


if __name__ == "__main__":
    size = [int(x) for x in sys.argv[3:5]]
    out = render(Path(sys.argv[1]), width=size[0] if size else 1100, max_height=size[1] if len(size) > 1 else 12000)
    Path(sys.argv[2]).write_bytes(out.screenshot)
    print(json.dumps({"requests": out.requests, "failed": out.failed, "console_errors": out.console_errors}))
