#!/usr/bin/env python3
"""Looks for plaintext the app must never leave on disk (issue 12, point 6).

Usage: scan-plaintext.py STAMP MARKER... -- DIR... [--skip DIR...]

Every regular file under each DIR that changed after the STAMP file is read (the first 64 MiB) and
searched for each MARKER in UTF-8 and in UTF-16 (WebKit keeps strings as UTF-16 in its stores). Prints
each hit as "path: marker" and exits 1 if there is any, 0 otherwise. Files that cannot be read (sockets,
files removed meanwhile, no permission) are skipped and counted. Folders after --skip are not entered
(the files the tests themselves wrote as the user would: the evidence picked, the copies saved).
"""
import os
import sys

LIMIT = 64 * 1024 * 1024


def encodings(marker):
    return [marker.encode("utf-8"), marker.encode("utf-16-le"), marker.encode("utf-16-be")]


def files_under(top, since, skip):
    for folder, subfolders, names in os.walk(top, followlinks=False):
        subfolders[:] = [d for d in subfolders if os.path.join(folder, d) not in skip]
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if os.path.islink(path) or not os.path.isfile(path) or st.st_mtime < since:
                continue
            yield path


def scan(dirs, skip, since, markers):
    hits, scanned, skipped = [], 0, 0
    patterns = [(m, enc) for m in markers for enc in encodings(m)]
    for top in dirs:
        for path in files_under(top, since, skip):
            try:
                with open(path, "rb") as f:
                    data = f.read(LIMIT)
            except OSError:
                skipped += 1
                continue
            scanned += 1
            for marker, enc in patterns:
                if enc in data:
                    hits.append((path, marker))
                    break
    return hits, scanned, skipped


def main(argv):
    if "--" not in argv or len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    stamp, markers, rest = argv[1], argv[2:split], argv[split + 1:]
    dirs, skip = (rest[: rest.index("--skip")], rest[rest.index("--skip") + 1:]) if "--skip" in rest else (rest, [])
    since = os.stat(stamp).st_mtime
    skip = {os.path.abspath(d) for d in skip}
    dirs = [os.path.abspath(d) for d in dirs if os.path.isdir(d)]
    hits, scanned, skipped = scan(dirs, skip, since, markers)
    for path, marker in hits:
        print(f"plaintext left on disk: {path!r} holds {marker!r}")
    print(f"scan-plaintext: {scanned} files read, {skipped} unreadable, {len(hits)} with plaintext")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
