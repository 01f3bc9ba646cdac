#!/usr/bin/env python3
"""Make the asv dashboard render without internet access.

`asv publish` writes an index.html that loads jQuery, flot, stupidtable, blueimp-md5 and Bootstrap
from public CDNs, so the page is blank on an offline machine or behind a proxy. This script fetches
the same libraries (same versions) from the npm registry with `npm pack`, keeps the tarballs in a
cache (default .asv/vendor, so npm is needed once per clone), copies the needed files into
<html_dir>/vendor/ and rewrites the page to load them from there.

Run it after every `asv publish` (publish rewrites index.html); `make dashboard` does both.
Exit status: 0 done, 1 a library could not be fetched or the page references an unknown CDN file
(asv was upgraded: extend CDN_FILES below).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the repository root, not tools/, on sys.path
    sys.path[0] = str(Path(__file__).resolve().parents[1])

from tools.asvconf import ROOT, conf_path


@dataclass(frozen=True)
class NpmFile:
    """One file inside an npm package tarball."""

    package: str  # npm name
    version: str
    path: str  # path inside the package (without the tarball's leading "package/")

    @property
    def spec(self) -> str:
        return f"{self.package}@{self.version}"

    @property
    def local(self) -> str:
        """Where the file goes, relative to html_dir (keeps the package layout: css -> ../fonts)."""
        return f"vendor/{self.package}-{self.version}/{self.path}"


# Every CDN URL asv 0.6.6's index.html uses, and the npm file that replaces it. flot 0.8.3 on npm
# ships only unminified files; stupidtable 1.0.1 is not on npm, its successor stupid-table-plugin
# 1.1.3 (same author, same jQuery API `$(table).stupidtable()`) is.
CDN_FILES: dict[str, NpmFile] = {
    "https://code.jquery.com/jquery-3.3.1.min.js": NpmFile("jquery", "3.3.1", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.min.js": NpmFile(
        "flot", "0.8.3", "jquery.flot.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.time.min.js": NpmFile(
        "flot", "0.8.3", "jquery.flot.time.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.selection.min.js": NpmFile(
        "flot", "0.8.3", "jquery.flot.selection.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/flot/0.8.3/jquery.flot.categories.min.js": NpmFile(
        "flot", "0.8.3", "jquery.flot.categories.js"
    ),
    "https://cdn.jsdelivr.net/npm/flot-orderbars@1.0.0/js/jquery.flot.orderBars.js": NpmFile(
        "flot-orderbars", "1.0.0", "js/jquery.flot.orderBars.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/stupidtable/1.0.1/stupidtable.min.js": NpmFile(
        "stupid-table-plugin", "1.1.3", "stupidtable.min.js"
    ),
    "https://cdnjs.cloudflare.com/ajax/libs/blueimp-md5/2.19.0/js/md5.min.js": NpmFile(
        "blueimp-md5", "2.19.0", "js/md5.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/js/bootstrap.min.js": NpmFile(
        "bootstrap", "3.1.1", "dist/js/bootstrap.min.js"
    ),
    "https://cdn.jsdelivr.net/npm/bootstrap@3.1.1/dist/css/bootstrap.min.css": NpmFile(
        "bootstrap", "3.1.1", "dist/css/bootstrap.min.css"
    ),
}

# Files a vendored file loads by relative URL (bootstrap.css -> ../fonts/glyphicons-*).
COMPANIONS: dict[str, list[NpmFile]] = {
    "dist/css/bootstrap.min.css": [
        NpmFile("bootstrap", "3.1.1", f"dist/fonts/glyphicons-halflings-regular.{ext}")
        for ext in ("eot", "svg", "ttf", "woff")
    ],
}

# A <script src=...> or <link href=...> tag pointing at an absolute http(s) URL.
TAG_RE = re.compile(r"<(script|link)\b[^>]*?\b(src|href)=\"(https?://[^\"]+)\"[^>]*>", re.I)
# Attributes that only make sense for a cross-origin CDN load; on file:// or a local server
# `crossorigin` makes the request a CORS one that file:// cannot satisfy.
CDN_ATTR_RE = re.compile(r"\s+(integrity|crossorigin|referrerpolicy)=\"[^\"]*\"", re.I)
INTEGRITY_RE = re.compile(r"\bintegrity=\"([a-z0-9]+)-([^\"]+)\"", re.I)


class VendorError(Exception):
    """A library could not be vendored; the message says which and what to do."""


def tarball(cache: Path, spec_pkg: NpmFile) -> Path:
    """The npm tarball for a package version, fetched with `npm pack` into the cache once."""
    path = cache / f"{spec_pkg.package}-{spec_pkg.version}.tgz"
    if path.is_file():
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            f"{spec_pkg.spec} is not in {cache} and npm is not installed: install npm (needed once "
            "per clone) or copy the .tgz files from another clone's .asv/vendor"
        )
    cache.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        [npm, "pack", "--silent", spec_pkg.spec],
        cwd=cache,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0 or not path.is_file():
        raise VendorError(
            f"npm pack {spec_pkg.spec} failed (exit {proc.returncode}): {proc.stderr.strip()}"
        )
    return path


def extract(cache: Path, item: NpmFile, html_dir: Path) -> Path:
    """Copy one file out of its package tarball to html_dir/item.local."""
    dest = html_dir / item.local
    with tarfile.open(tarball(cache, item)) as tar:
        try:
            member = tar.getmember(f"package/{item.path}")
        except KeyError:
            raise VendorError(f"{item.spec} has no file {item.path}") from None
        src = tar.extractfile(member)
        if src is None:
            raise VendorError(f"{item.spec}: {item.path} is not a regular file")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read())
    return dest


def same_as_cdn(tag: str, data: bytes) -> bool | None:
    """Whether the vendored bytes match the tag's SRI hash (None when the tag has none)."""
    m = INTEGRITY_RE.search(tag)
    if not m:
        return None
    algo, expected = m.group(1).lower(), m.group(2)
    if algo not in ("sha256", "sha384", "sha512"):
        return None
    return base64.b64encode(hashlib.new(algo, data).digest()).decode() == expected


def vendor_page(page: Path, html_dir: Path, cache: Path) -> list[dict[str, object]]:
    """Rewrite one HTML page's CDN tags to local copies; return one manifest row per URL."""
    text = page.read_text(encoding="utf-8")
    rows: list[dict[str, object]] = []
    unknown = sorted({m.group(3) for m in TAG_RE.finditer(text)} - CDN_FILES.keys())
    if unknown:
        raise VendorError(
            f"{page} loads files this script does not know (asv upgraded?): "
            + ", ".join(unknown)
            + ". Add them to CDN_FILES in tools/vendor_dashboard.py."
        )

    def replace(m: re.Match[str]) -> str:
        tag, url = m.group(0), m.group(3)
        item = CDN_FILES[url]
        dest = extract(cache, item, html_dir)
        for extra in COMPANIONS.get(item.path, []):
            extract(cache, extra, html_dir)
        rows.append(
            {
                "url": url,
                "npm": item.spec,
                "file": item.local,
                "identical_to_cdn": same_as_cdn(tag, dest.read_bytes()),
            }
        )
        return CDN_ATTR_RE.sub("", tag.replace(url, item.local))

    new_text = TAG_RE.sub(replace, text)
    if new_text != text:
        page.write_text(new_text, encoding="utf-8")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--html-dir", type=Path, default=None, help="default: html_dir of asv.conf.json"
    )
    parser.add_argument(
        "--cache", type=Path, default=ROOT / ".asv" / "vendor", help="npm tarball cache"
    )
    args = parser.parse_args(argv)
    html_dir = (args.html_dir or conf_path("html_dir", "html")).resolve()
    if not (html_dir / "index.html").is_file():
        print(f"vendor_dashboard: {html_dir}/index.html not found: run `asv publish` first")
        return 1
    rows: list[dict[str, object]] = []
    try:
        for page in sorted(html_dir.glob("*.html")):
            rows += vendor_page(page, html_dir, args.cache.resolve())
    except VendorError as exc:
        print(f"vendor_dashboard: {exc}", file=sys.stderr)
        return 1
    manifest = html_dir / "vendor" / "VENDORED.json"
    if rows:
        manifest.parent.mkdir(parents=True, exist_ok=True)
        manifest.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
        same = sum(1 for r in rows if r["identical_to_cdn"])
        print(
            f"vendor_dashboard: {len(rows)} CDN files replaced by local copies in {html_dir}/vendor "
            f"({same} byte-identical to the CDN file, the rest the npm build of the same version)"
        )
    else:
        print(f"vendor_dashboard: {html_dir} already loads everything locally")
    return 0


if __name__ == "__main__":
    sys.exit(main())
