#!/usr/bin/env python3
"""Fails when a document or source names a path into a build tree that no build makes.

Every build tree is build/<configure preset> (CMakePresets.json: binaryDir build/${presetName}),
or build/bench, which the benchmark scripts configure themselves; inside it CMake mirrors the
source tree (build/ci/sim/clocksim, build/ci/tests/sim_tests). A command copied from the docs
with `build/tests/sim_tests` or `build/sim/clocksim` fails with "No such file or directory", so
this checks, in every tracked document, source and script, that each `build/A/B` names a tree A
that exists and a B that is a top-level folder of the repository or a file CMake writes there.
Placeholders (`build/<preset>/...`) and shell variables (`$build/daemon`) are left alone.

usage: build_paths_check.py REPO_ROOT    (exit 0: clean; 1: findings, one per line as file:line)
       build_paths_check.py --self-test  (the check against texts with known faults)
"""
import json
import os
import re
import sys

from tracked_files import tracked_files

TEXT_SUFFIXES = ('.md', '.cpp', '.hpp', '.py', '.sh', '.cmake', '.yaml', '.txt', '.json')
# Trees the repository's own scripts configure outside the presets.
SCRIPT_TREES = ('bench',)
# Files CMake writes at the top of a build tree.
TOP_FILES = ('CMakeCache.txt', 'compile_commands.json', 'CTestTestfile.cmake')
BUILD_PATH = re.compile(r'(?<![\w$/{.\-])build/([A-Za-z0-9_<>\-]+)/([A-Za-z0-9_.<>\-]*)')


def trees(presets_json):
    names = {p['name'] for p in json.loads(presets_json)['configurePresets'] if not p.get('hidden')}
    return names | set(SCRIPT_TREES)


def findings(text, tree_names, top_folders):
    """(line, message) for every build path in `text` that no build makes."""
    for n, line in enumerate(text.split('\n'), 1):
        for m in BUILD_PATH.finditer(line):
            tree, first = m.group(1), m.group(2)
            if '<' in tree:
                continue
            if tree not in tree_names:
                yield n, f"'{m.group(0)}': no build tree build/{tree}/ (trees: {', '.join(sorted(tree_names))})"
            elif first and '<' not in first and first not in top_folders and first not in TOP_FILES:
                yield n, f"'{m.group(0)}': build/{tree}/ mirrors the source tree, which has no top-level '{first}'"


def self_test():
    tree_names = {'ci', 'release', 'bench'}
    top = {'sim', 'tests', 'bench'}
    text = '\n'.join([
        'build/ci/tests/sim_tests --gtest_filter=X',      # fine
        'build/<preset>/python and $build/daemon/x',      # placeholders: fine
        'run build/tests/sim_tests',                      # no tree "tests"
        'build/bench/clocksim_bench_network',             # not mirrored
        'build/release/CMakeCache.txt',                   # fine
    ])
    got = [n for n, _ in findings(text, tree_names, top)]
    if got != [3, 4]:
        print(f'self-test: expected findings on lines [3, 4], got {got}')
        return 1
    return 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    root = sys.argv[1]
    with open(os.path.join(root, 'CMakePresets.json')) as f:
        tree_names = trees(f.read())
    files = tracked_files(root)
    top_folders = {p.split('/')[0] for p in files if '/' in p}
    bad = 0
    for path in files:
        if not path.endswith(TEXT_SUFFIXES) or path == 'tests/repo/build_paths_check.py':
            continue
        try:
            with open(os.path.join(root, path), encoding='utf-8') as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError):
            continue
        for n, message in findings(text, tree_names, top_folders):
            print(f'{path}:{n}: {message}')
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
