#!/usr/bin/env python3
"""Fails when a source comment names a repository path that does not exist, or cites an issue.

A comment that says "see sim/world/world.cpp" sends the reader somewhere; when the file moves or
is deleted the pointer rots silently. This reads the comments of every tracked source, build and
script file (C/C++ `//` and `/* */`, `#` in Python, CMake and shell), takes each token that looks
like a path into the repository (it starts with a top-level folder or file of the repository and
contains a slash) and checks that it exists, as a file, a folder or a module stem
(node/wire/codec for codec.hpp and codec.cpp). Wildcards and placeholders (tests/**, n<id>.log) are
matched as patterns. Comments also may not cite issue numbers ("#12"), which mean nothing to a
reader of the code.

usage: comment_refs_check.py REPO_ROOT    (exit 0: clean; 1: findings, one per line as file:line)
       comment_refs_check.py --self-test  (the check against a scratch repository with known faults)
"""
import fnmatch
import os
import re
import subprocess
import sys

SOURCE_SUFFIXES = ('.cpp', '.hpp', '.h', '.cc', '.c', '.py', '.cmake', '.sh')
SOURCE_NAMES = ('CMakeLists.txt',)
FOLDERS = ('algorithms', 'analysis', 'bench', 'cmake', 'config', 'daemon', 'node', 'python', 'scripts', 'sim',
           'tests')
# A path token: letters, digits and the punctuation paths use, with at least one slash.
PATH_TOKEN = re.compile(r'[A-Za-z0-9_.<>*{}\-]+(?:/[A-Za-z0-9_.<>*{}\-]*)+')
ISSUE_REF = re.compile(r'(?<![\w&#])#\d+\b')


def tracked_files(root):
    out = subprocess.run(['git', '-C', root, 'ls-files', '-z'], check=True, capture_output=True).stdout
    return [f for f in out.decode().split('\0') if f]


def comments(path, text):
    """(line number, comment text) for every comment in the file."""
    is_c = path.endswith(('.cpp', '.hpp', '.h', '.cc', '.c'))
    lines = text.split('\n')
    in_block = False
    for n, line in enumerate(lines, 1):
        if is_c:
            rest = line
            if in_block:
                end = rest.find('*/')
                if end < 0:
                    yield n, rest
                    continue
                yield n, rest[:end]
                rest = rest[end + 2:]
                in_block = False
            body = strip_strings(rest, '"')
            slash = body.find('//')
            block = body.find('/*')
            if slash >= 0 and (block < 0 or slash < block):
                yield n, rest[slash + 2:]
            elif block >= 0:
                end = body.find('*/', block + 2)
                if end < 0:
                    in_block = True
                    yield n, rest[block + 2:]
                else:
                    yield n, rest[block + 2:end]
        else:
            body = strip_strings(line, '"\'')
            hash_at = body.find('#')
            if hash_at >= 0 and not body.startswith('#!'):
                yield n, line[hash_at + 1:]


def strip_strings(line, quotes):
    """The line with the inside of string literals blanked, so that '//' or '#' in a string is no
    comment; positions are kept."""
    out = []
    quote = None
    escaped = False
    for ch in line:
        if quote:
            out.append(' ')
            if escaped:
                escaped = False
            elif ch == '\\':
                escaped = True
            elif ch == quote:
                quote = None
        else:
            if ch in quotes:
                quote = ch
            out.append(ch)
    return ''.join(out)


def clean(token):
    return token.rstrip('.,;:)').rstrip('/')


def exists(root, token, tracked, tracked_dirs):
    if '{' in token and '}' not in token:
        token = token[:token.index('{')] + '*'  # a brace list the comment continues after a space
    if any(c in token for c in '<>*{}'):
        pattern = re.sub(r'<[^>]*>', '*', token)
        pattern = re.sub(r'\{[^}]*\}', '*', pattern)
        pattern = pattern.replace('**', '*')
        return any(fnmatch.fnmatch(f, pattern) or fnmatch.fnmatch(f, pattern + '/*') for f in tracked) or any(
            fnmatch.fnmatch(d, pattern) for d in tracked_dirs)
    if token in tracked or token in tracked_dirs or os.path.exists(os.path.join(root, token)):
        return True
    # A module named by its stem (node/wire/codec for codec.hpp and codec.cpp).
    return any(f.startswith(token + '.') and '/' not in f[len(token):] for f in tracked)


def self_test():
    """The check against a scratch repository with one good and three bad comments: it must find
    exactly the bad ones (a check that cannot fail proves nothing)."""
    import tempfile
    with tempfile.TemporaryDirectory() as root:
        files = {
            'sim/a.cpp': '// see sim/b.hpp and sim/b (a module), sim/ and tests/**\nconst char* t = "sim/gone.cpp";  // a string, no comment\n'
                         'const char* s = "// sim/nowhere.cpp";\n',
            'sim/b.hpp': '/* sim/missing.hpp\n   and sim/also_missing/ */\n',
            'tests/t.py': 's = "# sim/not_a_comment.py"  # fixed in #12\n',
            'tests/x.cmake': '# tests/t.py exists\n',
        }
        for path, text in files.items():
            os.makedirs(os.path.join(root, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(root, path), 'w', encoding='utf-8') as f:
                f.write(text)
        subprocess.run(['git', 'init', '-q', root], check=True)
        subprocess.run(['git', '-C', root, 'add', '.'], check=True)
        found = scan(root)
        expected = ['sim/b.hpp:1: names sim/missing.hpp', 'sim/b.hpp:2: names sim/also_missing',
                    'tests/t.py:1: cites an issue number']
        got = sorted(re.sub(r'(,| \().*', '', f) for f in found)
        if got != sorted(expected):
            print('self-test failed:\n  expected ' + repr(sorted(expected)) + '\n  got      ' + repr(got))
            return 1
        print('self-test passed')
        return 0


def main():
    if sys.argv[1:2] == ['--self-test']:
        return self_test()
    root = sys.argv[1] if len(sys.argv) > 1 else '.'
    findings = scan(root)
    for f in findings:
        print(f)
    print(f'{len(findings)} finding(s)', file=sys.stderr)
    return 1 if findings else 0


def scan(root):
    tracked = tracked_files(root)
    tracked_set = set(tracked)
    tracked_dirs = set()
    for f in tracked:
        parts = f.split('/')
        for i in range(1, len(parts)):
            tracked_dirs.add('/'.join(parts[:i]))
    top_level = set(FOLDERS) | {f for f in tracked if '/' not in f} | {'docs', 'scenarios'}
    findings = []
    for path in tracked:
        if not (path.endswith(SOURCE_SUFFIXES) or os.path.basename(path) in SOURCE_NAMES):
            continue
        try:
            with open(os.path.join(root, path), encoding='utf-8') as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            continue
        for n, comment in comments(path, text):
            for m in ISSUE_REF.finditer(comment):
                findings.append(f'{path}:{n}: cites an issue number ({m.group(0)}): say why in the comment instead')
            for m in PATH_TOKEN.finditer(comment):
                token = clean(m.group(0))
                start = m.start()
                if start > 0 and comment[start - 1] in '/~.$:@':
                    continue  # absolute path, URL, home or variable: not a repository path
                if token.split('/')[0] not in top_level:
                    continue
                if not exists(root, token, tracked_set, tracked_dirs):
                    findings.append(f'{path}:{n}: names {token}, which is not in the repository')
    return findings


if __name__ == '__main__':
    sys.exit(main())
