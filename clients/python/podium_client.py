#!/usr/bin/env python3
"""Podium's client for teams: one file, Python's standard library only.

As a command:
    python3 podium_client.py [--server URL] [--token TOKEN] submit --competition SLUG FILE [--manifest M.json] [--wait]
        [--name NAME] [--description TEXT]
    python3 podium_client.py [...] status --competition SLUG ID [--wait]
    python3 podium_client.py [...] leaderboard --competition SLUG [--board public|private]
    python3 podium_client.py [...] entries-left --competition SLUG
    python3 podium_client.py score --truth val.json [--gallery NAMES.txt] [--weights 1:600,5:300,10:100] results.json

The server and token may also come from PODIUM_SERVER and PODIUM_TOKEN (an API token from your account page).
FILE is a results file (JSON, any of the three formats) or a model: an .onnx, or a .zip/.tar of an .onnx with its
external data files. --name names the entry (your method, up to 100 characters on one line) and --description
describes it (method, links: plain text up to 2,000 characters); the server checks both and names a refused one.

In a notebook:
    import podium_client as podium
    podium.score(results, truth)                     # the competition's metric on your own validation split
    client = podium.Client("https://podium.example", "pod_…")
    client.submit("my-contest", "results.json", name="ResNet-50 + re-ranking", description="https://arxiv.org/abs/…")

`score` is a second implementation of Podium's scoring (lib/scoring in the server): the server's test suite checks
that both give the same numbers and refuse the same files.
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

__version__ = "1"

DEFAULT_WEIGHTS = [(1, 600.0), (5, 300.0), (10, 100.0)]
MAX_K = 100


# ─── The metric ─────────────────────────────────────────────────────────────────────────────────────────────────


class InvalidResults(Exception):
    """A results file the server would refuse. `errors` holds {"code", "count", "message"} per kind of problem."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{error['code']} ×{error['count']}: {error['message']}" for error in errors))


class _Problems:
    def __init__(self):
        self.counts = {}
        self.first = {}

    def add(self, code, where):
        self.counts[code] = self.counts.get(code, 0) + 1
        self.first.setdefault(code, where)

    def errors(self):
        return [{"code": code, "count": count, "message": f"{code.lower().replace('_', ' ')} (first: {self.first[code]})"} for code, count in self.counts.items()]


def parse_weights(text):
    """`1:600,5:300,10:100` → [(1, 600.0), (5, 300.0), (10, 100.0)], sorted by k."""
    terms = []
    for part in [item.strip() for item in text.split(",") if item.strip()]:
        k, _, weight = part.partition(":")
        if not k.strip().isdigit() or not weight.strip():
            raise ValueError(f'weight term "{part}" is not of the form k:weight (for example 5:300)')
        terms.append((int(k), float(weight)))
    if not terms:
        raise ValueError("at least one k:weight term is needed")
    ks = [k for k, _ in terms]
    if any(k < 1 or k > MAX_K for k in ks) or len(set(ks)) != len(ks) or any(w < 0 or not math.isfinite(w) for _, w in terms):
        raise ValueError(f"weights {text}: each k from 1 to {MAX_K}, once, with a finite weight ≥ 0")
    return sorted(terms)


def _base_name(path):
    cut = max(path.rfind("/"), path.rfind("\\"))
    return path if cut == -1 else path[cut + 1 :]


def _reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def parse_results(data):
    """The entries [(query, list)] of a results file given as text, bytes or an already parsed object."""
    if isinstance(data, (bytes, bytearray)):
        data = data.decode("utf-8", errors="replace")
    if isinstance(data, str):
        if data.startswith("\ufeff"):
            data = data[1:]
        if data.strip() == "":
            raise InvalidResults([{"code": "NOT_JSON", "count": 1, "message": "the file is empty"}])
        try:
            data = json.loads(data, parse_constant=_reject_constant)
        except ValueError as error:
            raise InvalidResults([{"code": "NOT_JSON", "count": 1, "message": str(error)}])
    problems = _Problems()
    entries = []
    if isinstance(data, list):
        for position, item in enumerate(data, 1):
            if not isinstance(item, dict) or not isinstance(item.get("filename"), str) or not isinstance(item.get("gallery_images"), list):
                problems.add("WRONG_SHAPE", f"item {position}")
                continue
            entries.append((_base_name(item["filename"]), [_base_name(name) if isinstance(name, str) else name for name in item["gallery_images"]]))
    elif isinstance(data, dict):
        if isinstance(data.get("images"), dict) and set(data) <= {"images", "groupname"}:
            if "groupname" in data and not isinstance(data["groupname"], str):
                raise InvalidResults([{"code": "WRONG_SHAPE", "count": 1, "message": '"groupname" must be a string'}])
            data = data["images"]
        for query, ranked in data.items():
            if not isinstance(ranked, list):
                problems.add("WRONG_SHAPE", query)
            entries.append((query, ranked))
    else:
        raise InvalidResults([{"code": "WRONG_SHAPE", "count": 1, "message": "the top level must be an object mapping each query to a list of gallery files"}])
    if problems.counts:
        raise InvalidResults(problems.errors())
    if not entries:
        raise InvalidResults([{"code": "EMPTY_SUBMISSION", "count": 1, "message": "the file lists no query"}])
    return entries


def score(results, truth, gallery=None, weights=None, allow_partial=False):
    """The competition's weighted top-k score of `results` against `truth` ({query: [matching gallery files]}).

    Queries whose truth list is empty are accepted but not evaluated. Without `gallery` (the gallery's file names)
    unknown names cannot be detected and count as misses. Returns {"score", "hit": {"1": …}, "evaluated",
    "missing"}; raises InvalidResults for a file the server would refuse, naming every kind of problem.
    """
    terms = parse_weights(weights) if isinstance(weights, str) else (weights or DEFAULT_WEIGHTS)
    max_list = max([10] + [k for k, _ in terms])
    if isinstance(truth, (str, bytes)):
        truth = json.loads(truth)
    entries = parse_results(results)
    known = set(gallery) if gallery is not None else None
    evaluated = [query for query, matches in truth.items() if matches]
    first_hit = {}
    seen = set()
    problems = _Problems()
    for query, ranked in entries:
        if query not in truth:
            problems.add("UNKNOWN_QUERY", query)
            continue
        if query in seen:
            problems.add("DUPLICATE_QUERY", query)
            continue
        seen.add(query)
        if len(ranked) > max_list:
            problems.add("TOO_MANY_ENTRIES", query)
        matches = set(truth[query] or [])
        listed = set()
        rank = 0
        for position, name in enumerate(ranked):
            if not isinstance(name, str):
                problems.add("NOT_A_STRING", f"{query} #{position + 1}")
                continue
            if known is not None and name not in known:
                problems.add("UNKNOWN_GALLERY", f"{query} #{position + 1}")
                continue
            if name in listed:
                problems.add("DUPLICATE_IN_LIST", f"{query} #{position + 1}")
                continue
            listed.add(name)
            if rank == 0 and position < max_list and name in matches:
                rank = position + 1
        if truth[query]:
            first_hit[query] = rank
    missing = [query for query in evaluated if query not in first_hit]
    if not allow_partial:
        for query in missing:
            problems.add("MISSING_QUERIES", query)
    if problems.counts:
        raise InvalidResults(problems.errors())
    total = 0.0
    histogram = {}
    for query in evaluated:
        rank = first_hit.get(query, 0)
        histogram[rank] = histogram.get(rank, 0) + 1
    for rank in sorted(histogram):
        if rank:
            total += histogram[rank] * sum(weight for k, weight in terms if rank <= k)
    count = len(evaluated)
    hit = {str(k): (sum(n for rank, n in histogram.items() if 1 <= rank <= k) / count if count else 0) for k, _ in terms}
    return {"score": total / count if count else 0, "hit": hit, "evaluated": count, "missing": len(missing)}


# ─── The server ─────────────────────────────────────────────────────────────────────────────────────────────────


class PodiumError(Exception):
    """The server refused a request: `status`, `code` and the server's message."""

    def __init__(self, status, code, message):
        self.status, self.code = status, code
        super().__init__(f"{message} (HTTP {status}{', ' + code if code else ''})")


class Client:
    def __init__(self, server=None, token=None):
        self.server = (server or os.environ.get("PODIUM_SERVER") or "").rstrip("/")
        self.token = token or os.environ.get("PODIUM_TOKEN")
        if not self.server or not self.token:
            raise ValueError("give the server and an API token (--server/--token, or PODIUM_SERVER/PODIUM_TOKEN)")

    def _request(self, method, path, body=None, headers=None, absolute=False):
        url = path if absolute else urllib.parse.urljoin(self.server + "/", path.lstrip("/"))
        headers = dict(headers or {})
        if not absolute:
            headers["authorization"] = f"Bearer {self.token}"
            headers.setdefault("x-podium-client", "python")
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers["content-type"] = "application/json"
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=300) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def _json(self, method, path, body=None, ok=(200, 201, 202)):
        status, _, raw = self._request(method, path, body)
        data = json.loads(raw or b"{}")
        if status not in ok:
            problem = data.get("error", {}) if isinstance(data, dict) else {}
            raise PodiumError(status, problem.get("code"), problem.get("message", raw[:200].decode(errors="replace")))
        return data

    def _path(self, slug, rest=""):
        return f"/api/v1/competitions/{urllib.parse.quote(slug)}{rest}"

    def entries_left(self, slug):
        """The team's quota: dailyLimit, leftToday, totalLimit, leftTotal, resetsAt."""
        return self._json("GET", self._path(slug, "/team"))["quota"]

    def leaderboard(self, slug, board="public"):
        return self._json("GET", self._path(slug, f"/leaderboard?board={board}"))

    def status(self, slug, submission_id):
        return self._json("GET", self._path(slug, f"/submissions/{submission_id}"))["submission"]

    def wait(self, slug, submission_id, on_progress=None, poll_seconds=1.0):
        """Polls until the entry leaves the queue (scored, invalid, failed …) and returns it."""
        while True:
            submission = self.status(slug, submission_id)
            if submission["status"] not in ("received", "checking", "queued", "running"):
                return submission
            if on_progress:
                on_progress(submission)
            time.sleep(poll_seconds)

    def submit(self, slug, path, manifest=None, wait=False, on_progress=None, name=None, description=None):
        """Submits a results file or a model, optionally named and described; returns the entry. A refused file raises
        PodiumError (422); a refused name or description PodiumError (400) naming the field."""
        details = {key: value for key, value in (("name", name), ("description", description)) if value is not None}
        lower = path.lower()
        if lower.endswith((".onnx", ".zip", ".tar")):
            submission = self._submit_model(slug, path, manifest, details)
        else:
            submission = self._submit_results(slug, path, details)
        return self.wait(slug, submission["id"], on_progress) if wait else submission

    def rename(self, slug, submission_id, name=None, description=None):
        """Renames or re-describes one of your team's entries (None leaves a field as it is, "" clears it)."""
        details = {key: value for key, value in (("name", name), ("description", description)) if value is not None}
        return self._json("PATCH", self._path(slug, f"/submissions/{submission_id}"), details)["submission"]

    def _submit_results(self, slug, path, details=None):
        with open(path, "rb") as handle:
            content = handle.read()
        boundary = uuid.uuid4().hex
        file_name = os.path.basename(path).replace('"', "").replace("\r", "").replace("\n", "")
        # The entry's name and description go as text fields before the file (UTF-8, as browsers send them).
        fields = b"".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'.encode() + value.encode("utf-8") + b"\r\n" for key, value in (details or {}).items())
        body = fields + (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\nContent-Type: application/json\r\n\r\n').encode() + content + f"\r\n--{boundary}--\r\n".encode()
        headers = {"content-type": f"multipart/form-data; boundary={boundary}", "idempotency-key": str(uuid.uuid4())}
        for attempt in range(6):
            # A retry with the same Idempotency-Key returns the first attempt's entry and costs no second entry.
            try:
                status, _, raw = self._request("POST", self._path(slug, "/submissions"), body, headers)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                status, raw = None, b""
            if status in (None, 409, 502, 503, 504) and attempt < 5:
                time.sleep(min(10, 2**attempt))
                continue
            data = json.loads(raw or b"{}")
            if status in (201, 202):
                return data["submission"]
            problem = data.get("error", {})
            raise PodiumError(status, problem.get("code"), problem.get("message", ""))
        raise PodiumError(503, "UNAVAILABLE", "the server did not answer")

    def _submit_model(self, slug, path, manifest, details=None):
        size = os.path.getsize(path)
        started = self._json("POST", self._path(slug, "/models"), {"fileName": os.path.basename(path), "size": size, **({"manifest": manifest} if manifest else {}), **(details or {})})
        submission_id, upload_id, part_size = started["submissionId"], started["uploadId"], started["partSize"]
        count = max(1, math.ceil(size / part_size))
        parts = []
        with open(path, "rb") as handle:
            for first in range(1, count + 1, 100):
                numbers = list(range(first, min(count, first + 99) + 1))
                urls = self._json("POST", self._path(slug, f"/models/{submission_id}/parts"), {"uploadId": upload_id, "partNumbers": numbers})["parts"]
                for part in urls:
                    handle.seek((part["partNumber"] - 1) * part_size)
                    chunk = handle.read(part_size)
                    # A folder store's part URLs are relative to the server; S3's are absolute.
                    url = urllib.parse.urljoin(self.server + "/", part["url"])
                    status, headers, raw = self._request("PUT", url, chunk, absolute=True)
                    if status != 200:
                        raise PodiumError(status, None, f"part {part['partNumber']} was refused: {raw[:200].decode(errors='replace')}")
                    etag = next((value for key, value in headers.items() if key.lower() == "etag"), "")
                    parts.append({"partNumber": part["partNumber"], "etag": etag})
        completed = self._json("POST", self._path(slug, f"/models/{submission_id}/complete"), {"uploadId": upload_id, "parts": parts, **({"manifest": manifest} if manifest else {})})
        # The checks (format, operators, input/output, a dry run) run on a worker: wait for their verdict.
        submission = completed["submission"]
        while submission["status"] == "checking":
            time.sleep(1)
            submission = self.status(slug, submission_id)
        if submission["status"] == "invalid":
            raise PodiumError(422, "INVALID_SUBMISSION", submission.get("error") or "the model was refused")
        return submission


# ─── The command ────────────────────────────────────────────────────────────────────────────────────────────────


def _describe(submission):
    line = f"submission {submission['id']}: {submission['status']}"
    if submission.get("name"):
        line += f"\n  name    {submission['name']}"
    public = (submission.get("scores") or {}).get("public")
    if public:
        line += f"\n  public  {public['score']:.2f}"
    if submission.get("error") and submission["status"] != "scored":
        line += f"\n  {submission['error']}"
    return line


def main(argv=None):
    parser = argparse.ArgumentParser(prog="podium_client.py", description="Podium's client for teams (standard library only).")
    parser.add_argument("--server", help="the Podium server (or PODIUM_SERVER)")
    parser.add_argument("--token", help="an API token (or PODIUM_TOKEN)")
    commands = parser.add_subparsers(dest="command", required=True)
    submit = commands.add_parser("submit", help="submit a results file or a model")
    submit.add_argument("--competition", required=True)
    submit.add_argument("--manifest", help="model manifest (JSON file)")
    submit.add_argument("--wait", action="store_true", help="wait for the score")
    submit.add_argument("--name", help="the entry's name (your method), up to 100 characters")
    submit.add_argument("--description", help="the entry's description (method, links), plain text up to 2,000 characters")
    submit.add_argument("file")
    status = commands.add_parser("status", help="one entry's status and score")
    status.add_argument("--competition", required=True)
    status.add_argument("--wait", action="store_true")
    status.add_argument("id")
    board = commands.add_parser("leaderboard", help="the board")
    board.add_argument("--competition", required=True)
    board.add_argument("--board", choices=["public", "private"], default="public")
    left = commands.add_parser("entries-left", help="your team's entries left")
    left.add_argument("--competition", required=True)
    metric = commands.add_parser("score", help="the competition's metric on your own split, offline")
    metric.add_argument("--truth", required=True, help="ground truth JSON: {query: [matching gallery files]}")
    metric.add_argument("--gallery", help="gallery names, one per line (unknown names are then refused)")
    metric.add_argument("--weights", default="1:600,5:300,10:100")
    metric.add_argument("--allow-partial", action="store_true")
    metric.add_argument("--json", action="store_true", help="print JSON (errors too)")
    metric.add_argument("results")
    args = parser.parse_args(argv)

    if args.command == "score":
        with open(args.truth, encoding="utf-8") as handle:
            truth = json.load(handle)
        gallery = None
        if args.gallery:
            with open(args.gallery, encoding="utf-8") as handle:
                gallery = [line.strip() for line in handle if line.strip()]
        with open(args.results, "rb") as handle:
            raw = handle.read()
        try:
            result = score(raw, truth, gallery, args.weights, args.allow_partial)
        except InvalidResults as invalid:
            print(json.dumps({"errors": invalid.errors}) if args.json else f"invalid results file:\n{invalid}", file=sys.stdout if args.json else sys.stderr)
            return 1
        print(json.dumps(result) if args.json else f"score {result['score']:.2f} over {result['evaluated']} queries; " + ", ".join(f"hit@{k} {v:.3f}" for k, v in result["hit"].items()))
        return 0

    try:
        client = Client(args.server, args.token)
        if args.command == "submit":
            manifest = None
            if args.manifest:
                with open(args.manifest, encoding="utf-8") as handle:
                    manifest = json.load(handle)
            progress = lambda s: print(f"  {s['status']}" + (f" — {s['job']['progress']['phase']} {s['job']['progress'].get('percent', '')}%" if (s.get("job") or {}).get("progress") else ""), file=sys.stderr)
            submission = client.submit(args.competition, args.file, manifest, args.wait, progress, name=args.name, description=args.description)
            print(_describe(submission))
            return 0 if submission["status"] in ("scored", "queued", "running") else 1
        if args.command == "status":
            submission = client.wait(args.competition, args.id) if args.wait else client.status(args.competition, args.id)
            print(_describe(submission))
            return 0
        if args.command == "leaderboard":
            data = client.leaderboard(args.competition, args.board)
            print(f"{'rank':>4}  {'team':<30} {'score':>8}  entries")
            for row in data["rows"]:
                print(f"{row['rank']:>4}  {row['team'][:30]:<30} {row['score']:>8.2f}  {row['entries']}")
            return 0
        if args.command == "entries-left":
            quota = client.entries_left(args.competition)
            today = "no daily limit" if quota["dailyLimit"] is None else f"{quota['leftToday']} of {quota['dailyLimit']} entries left today"
            total = "" if quota["totalLimit"] is None else f"; {quota['leftTotal']} of {quota['totalLimit']} left in total"
            # As `podium submit` says it: when the day's entries are spent, when they come back.
            resets = f" (the daily count starts again {quota['resetsAt']})" if quota.get("resetsAt") and quota.get("leftToday") == 0 and quota.get("leftTotal") != 0 else ""
            print(f"{today}{total}{resets}")
            return 0
    except PodiumError as error:
        print(f"podium: {error}", file=sys.stderr)
        return 1 if error.status == 422 else 2
    except (ValueError, OSError) as error:
        print(f"podium: {error}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
