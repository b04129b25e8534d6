"""Git-style path patterns: what `.gitattributes` sends to LFS, what `.gitignore` ignores."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

__all__ = ["GitAttributes", "GitIgnore", "wildmatch"]


@lru_cache(maxsize=1024)
def _compile(pattern: str) -> re.Pattern[str]:
    """A regex for a gitwildmatch pattern applied to a whole slash-separated path."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("/**", i) and i + 3 == len(pattern):
            out.append("/.*")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end
        elif c == "\\" and i + 1 < len(pattern):
            i += 1
            out.append(re.escape(pattern[i]))
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def wildmatch(pattern: str, path: str) -> bool:
    """Git's matching rule: a pattern without a slash matches the base name at any depth."""
    return _Matcher.of(pattern).match(path)


@dataclass(frozen=True)
class _Matcher:
    regex: re.Pattern[str]
    anchored: bool

    @classmethod
    def of(cls, pattern: str) -> _Matcher:
        return cls(_compile(pattern.lstrip("/")), "/" in pattern.rstrip("/"))

    def match(self, path: str) -> bool:
        target = path if self.anchored else path.rsplit("/", 1)[-1]
        return self.regex.match(target) is not None


@dataclass(frozen=True)
class GitAttributes:
    """The LFS rules of a `.gitattributes` text (the last matching line wins, as in git)."""

    rules: tuple[tuple[str, bool], ...]

    @cached_property
    def _matchers(self) -> tuple[tuple[_Matcher, bool], ...]:
        # the last matching line wins: look from the end
        return tuple((_Matcher.of(p), lfs) for p, lfs in reversed(self.rules))

    @classmethod
    def parse(cls, text: str) -> GitAttributes:
        rules: list[tuple[str, bool]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split()
            pattern, attrs = parts[0], parts[1:]
            if "filter=lfs" in attrs:
                rules.append((pattern, True))
            elif (
                "-filter" in attrs
                or "!filter" in attrs
                or any(a.startswith("filter=") for a in attrs)
            ):
                rules.append((pattern, False))
        return cls(tuple(rules))

    def is_lfs(self, path: str) -> bool:
        base = path.rsplit("/", 1)[-1]
        for matcher, lfs in self._matchers:
            if matcher.regex.match(path if matcher.anchored else base) is not None:
                return lfs
        return False


@dataclass(frozen=True)
class GitIgnore:
    """The rules of a `.gitignore` text (negations and folder-only patterns included)."""

    rules: tuple[tuple[str, bool, bool], ...]  # (pattern, negated, folder only)

    @classmethod
    def parse(cls, text: str) -> GitIgnore:
        rules: list[tuple[str, bool, bool]] = []
        for raw in text.splitlines():
            line = raw.rstrip()
            if not line or line.startswith("#"):
                continue
            negated = line.startswith("!")
            if negated:
                line = line[1:]
            folder_only = line.endswith("/")
            line = line.rstrip("/")
            if line:
                rules.append((line, negated, folder_only))
        return cls(tuple(rules))

    def ignores(self, path: str) -> bool:
        parts = path.split("/")
        # a path is ignored when it, or one of its parent folders, is ignored
        for depth in range(1, len(parts) + 1):
            candidate = "/".join(parts[:depth])
            is_folder = depth < len(parts)
            ignored = False
            for pattern, negated, folder_only in self.rules:
                if folder_only and not is_folder:
                    continue
                if wildmatch(pattern, candidate):
                    ignored = not negated
            if ignored:
                return True
        return False
