#!/usr/bin/env python3
"""Fails when code that can run inside another program formats or reads a number through the
process's locale.

clocksim's engine, algorithms, config reading and node stack also run embedded: in the Python
module (an interpreter where locale.setlocale may have run, or a GUI toolkit set the user's
locale) and in C++ programs linking the library (which may call std::locale::global). There,
printf's %f/%g/%e, std::to_string(double), strtod and a plain std::ostringstream follow a locale
that may write "1,5" and "1.234.567", and a run's files would change with it. Numbers are written
with algorithms/core/decimal_text.hpp (fixed_text, general_text), algorithms/core/number_text.hpp
or std::to_chars, read with std::from_chars, and streamed through CLocaleStream
(algorithms/core/c_locale_stream.hpp). The runtime check of the same promise is
RunScenarioLocale (tests/sim/run/run_scenario_locale_test.cpp); this one also covers code that no
shipped scenario reaches.

usage: locale_free_numbers_check.py REPO_ROOT    (exit 0: clean; 1: findings, one per line)
       locale_free_numbers_check.py --self-test  (the check against texts with known faults)
"""
import os
import re
import sys

from tracked_files import tracked_files

FOLDERS = ('algorithms/', 'config/', 'node/', 'sim/', 'python/')
SUFFIXES = ('.cpp', '.hpp')
# The one place a locale-following stream is made, on purpose, to be imbued with the C locale.
ALLOWED = ('algorithms/core/c_locale_stream.hpp',)

PRINTF = re.compile(r'\b(?:std::)?(?:v?s?n?printf|v?fprintf)\s*\(')
FLOAT_CONVERSION = re.compile(r'%[-+ #0]*(?:\d+|\*)?(?:\.(?:\d+|\*))?[fFeEgGaA]')
READS = re.compile(r'\b(?:std::)?(?:strtod|strtof|strtold|atof|stod|stof|stold)\s*\(')
STREAM = re.compile(r'\bstd::(?:ostringstream|stringstream)\b')
TO_STRING_REAL = re.compile(r'\bstd::to_string\(\s*(?:static_cast<(?:long )?double>|[^();]*\*\s*1e-?\d)')


def code_only(text, blank_strings=False):
    """The text with comments blanked (line breaks kept), so that prose about printf is not code;
    with `blank_strings`, the contents of string literals too (a message naming a function)."""
    out, i, n = [], 0, len(text)
    while i < n:
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(''.join(c if c == '\n' else ' ' for c in text[i:j]))
            i = j
        elif text[i] == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == '\\' else 1
            literal = text[i + 1:j]
            out.append('"' + (''.join(c if c == '\n' else ' ' for c in literal) if blank_strings else literal) + '"')
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def findings(text):
    """(line, message) for every locale-following number conversion in `text`."""
    code = code_only(text)
    line_of = lambda at: code.count('\n', 0, at) + 1
    for m in PRINTF.finditer(code):
        end = code.find(';', m.end())
        statement = code[m.end():end if end >= 0 else len(code)]
        for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', statement):
            if FLOAT_CONVERSION.search(literal.replace('%%', '')):
                yield line_of(m.start()), 'printf of a real number follows LC_NUMERIC: use fixed_text/general_text'
                break
    code = code_only(text, blank_strings=True)
    for m in READS.finditer(code):
        yield line_of(m.start()), 'strtod and its kin follow LC_NUMERIC: use std::from_chars'
    for m in STREAM.finditer(code):
        yield line_of(m.start()), 'a string stream takes the global C++ locale: use CLocaleStream'
    for m in TO_STRING_REAL.finditer(code):
        yield line_of(m.start()), 'std::to_string of a real number is printf\'s %f: use fixed_text'


def self_test():
    text = '\n'.join([
        'std::snprintf(buf, sizeof buf, "%016llx", h);',                      # integers: fine
        'std::snprintf(buf, sizeof buf, "%.3fs", v);',                        # 2
        'std::snprintf(buf, sizeof buf,',                                     # 3: over two lines
        '              "%+.6gms", v);',
        'std::fprintf(stderr, "%3.0f%%", p);',                                # 5
        'std::printf("100%% done\\n");',                                       # %% is no conversion
        '// std::snprintf(buf, n, "%f", x) in a comment is prose',
        'const double d = std::strtod(s.c_str(), nullptr);',                  # 8
        'std::ostringstream os;',                                             # 9
        'CLocaleStream os;  std::istringstream in(text);',                    # fine
        'return "x" + std::to_string(static_cast<double>(v) * 1e-9);',        # 11
        'return std::to_string(count) + " of " + std::to_string(v * 1e-3);',  # 12
        'const char* s = "use std::ostringstream";',                          # inside a string: fine
    ])
    got = sorted({n for n, _ in findings(text)})
    expected = [2, 3, 5, 8, 9, 11, 12]
    if got != expected:
        print(f'self-test: expected findings on lines {expected}, got {got}')
        return 1
    return 0


def main():
    if sys.argv[1:] == ['--self-test']:
        return self_test()
    root = sys.argv[1]
    bad = 0
    for path in tracked_files(root):
        if not path.startswith(FOLDERS) or not path.endswith(SUFFIXES) or path in ALLOWED:
            continue
        with open(os.path.join(root, path), encoding='utf-8') as f:
            text = f.read()
        for n, message in findings(text):
            print(f'{path}:{n}: {message}')
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
