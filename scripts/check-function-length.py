#!/usr/bin/env python3
"""Lists the C++ functions longer than LIMIT lines (from the signature's first line to the closing
brace), longest first: `scripts/check-function-length.py 120 src apps`. Exit 1 when there is one.
A rough parser (comments, strings and preprocessor lines skipped; lambdas count toward their
enclosing function), good enough for ntm's formatting."""
import re, sys, pathlib
LIMIT = int(sys.argv[1]); roots = sys.argv[2:]
found = []
CTRL = re.compile(r'^\s*(if|for|while|switch|catch|else|do|try)\b')
def strip(line, state):
    out = []; i = 0
    while i < len(line):
        if state['c']:
            j = line.find('*/', i)
            if j < 0: return ''.join(out)
            state['c'] = False; i = j + 2; continue
        ch = line[i]
        if line.startswith('//', i): break
        if line.startswith('/*', i): state['c'] = True; i += 2; continue
        if line.startswith('R"(', i):
            j = line.find(')"', i + 3)
            if j < 0: state['raw'] = True; return ''.join(out)
            i = j + 2; continue
        if ch in '"\'':
            q = ch; i += 1
            while i < len(line) and line[i] != q: i += 2 if line[i] == '\\' else 1
            i += 1; out.append('0'); continue
        out.append(ch); i += 1
    return ''.join(out)
for root in roots:
    rp = pathlib.Path(root)
    for p in ([rp] if rp.is_file() else sorted(rp.rglob('*'))):
        if p.suffix not in ('.cpp', '.h', '.cc'): continue
        state = {'c': False, 'raw': False}
        stack = []  # (kind, start_line)
        prev = []   # code text since last ; { }
        for n, raw in enumerate(p.read_text(errors='replace').splitlines(), 1):
            if state['raw']:
                if ')"' in raw: state['raw'] = False; raw = raw[raw.index(')"') + 2:]
                else: continue
            line = '' if raw.lstrip().startswith('#') else strip(raw, state)
            for ch in line:
                if ch == '{':
                    head = ''.join(t for _, t in prev).strip()
                    start = prev[0][0] if prev else n
                    in_func = any(e[0] == 'func' for e in stack)
                    is_func = (not in_func and '(' in head and not CTRL.match(head)
                               and not re.match(r'^\s*(namespace|struct|class|enum|union)\b', head)
                               and not head.rstrip().endswith('='))
                    stack.append(('func' if is_func else 'other', start, head))
                    prev = []
                elif ch == '}':
                    if stack:
                        kind, start, head = stack.pop()
                        if kind == 'func' and n - start + 1 > LIMIT:
                            name = re.search(r'([\w:~]+)\s*\(', head)
                            found.append((n - start + 1, f"{p}:{start}", name.group(1) if name else head[:60]))
                    prev = []
                elif ch == ';':
                    prev = []
                else:
                    if not prev or prev[-1][0] != n: prev.append((n, ch))
                    else: prev[-1] = (n, prev[-1][1] + ch)
            if prev and prev[-1][0] == n: prev[-1] = (n, prev[-1][1] + ' ')
for length, where, name in sorted(found, reverse=True):
    print(f"{length:5d} {where} {name}")
sys.exit(1 if found else 0)
