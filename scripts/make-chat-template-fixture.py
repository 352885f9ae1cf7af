#!/usr/bin/env python3
"""Writes tests/fixtures/chat-templates/expected.json: chat templates and what transformers'
`apply_chat_template(..., tokenize=False)` renders for them, the reference for ntm's Jinja
engine (tests/unit/chat_template_test.cpp).

Run with a python that has transformers (NTM_PYTHON, else the repo's .venv that
scripts/setup-references.sh creates):
    "${NTM_PYTHON:-.venv/bin/python}" scripts/make-chat-template-fixture.py [--assets ../shared/assets/tokenizers]

Cases: the real Llama 3 and Qwen 3 templates (tokenizer folders under --assets; their template
text is stored in the fixture so the test needs no assets), and small templates written for
this fixture that exercise one Jinja feature each, rendered with the Llama 3 tokenizer's
environment (transformers' sandbox: trim_blocks, lstrip_blocks, loop controls, its tojson).
Also the rating prompt of method-spec §7.6 through each real template.
"""
import argparse
import json
import os
import sys

from transformers import AutoTokenizer

SYSTEM = ('You are a helpful assistant evaluating the top words of a topic model output for a given topic. '
          'Please rate how related the following words are to each other on a scale from 1 to 3 ("1" = not very '
          'related, "2" = moderately related, "3" = very related).\n\nReply with a single number, indicating the '
          'overall appropriateness of the topic.')
RATING = [{"role": "system", "content": SYSTEM},
          {"role": "user", "content": "game, team, season, play, player, win, hockey, league, year, games"}]
CHAT = [{"role": "system", "content": "  Be brief.\n"},
        {"role": "user", "content": "Hello there"},
        {"role": "assistant", "content": "Hi! How can I help?"},
        {"role": "user", "content": "Rate: a, b, c"}]
THINK = [{"role": "user", "content": "2+2?"},
         {"role": "assistant", "content": "<think>\nadd them\n</think>\n\n4"},
         {"role": "user", "content": "and 3+3?"}]

# name -> template: one Jinja feature each (written for this fixture).
SYNTHETIC = {
    "whitespace_control": "A  {%- if true -%}  B  {%- endif -%}  C\n{{- ' D ' -}}\n E",
    "trim_lstrip_blocks": "line1\n    {% if true %}\n  kept\n    {% endif %}\nline2 {# note #}\n{{ 'x' }}\n",
    "loop_vars": "{% for m in messages %}{{ loop.index0 }}/{{ loop.index }}/{{ loop.length }}"
                 "{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %}[{{ m.role }}] {% endfor %}",
    "elif_chain": "{% for m in messages %}{% if m['role'] == 'system' %}S{% elif m['role'] == 'user' %}U"
                  "{% elif m.role == 'assistant' %}A{% else %}?{% endif %}{% endfor %}",
    "set_scoping": "{% set x = 'outer' %}{% for m in messages %}{% set x = m.role %}{{ x }},{% endfor %}|{{ x }}",
    "namespace": "{% set ns = namespace(n=0, last='') %}{% for m in messages %}{% set ns.n = ns.n + 1 %}"
                 "{% set ns.last = m.role %}{% endfor %}{{ ns.n }} {{ ns.last }}",
    "filters": "{{ messages|length }} {{ messages[0].content|trim }}|{{ 'AbC'|upper }}{{ 'AbC'|lower }} "
               "{{ messages|first|tojson }} {{ [1, 2.5, none, true, 'x']|tojson }} {{ {'a': [1, {'b': 'q\"'}]}|tojson(indent=2) }}"
               " {{ ['a', 'b']|join('-') }} {{ undefined_var|default('dflt') }} {{ 'a b'|replace(' ', '_') }}",
    "methods": "{% set c = messages[-1].content %}{{ c.startswith('Rate') }} {{ c.endswith('c') }} "
               "{{ c.split(': ')[1] }} {{ c.split(',')|length }} {{ '  x  '.strip() }}|{{ 'xxhixx'.lstrip('x') }}|"
               "{{ 'xxhixx'.rstrip('x') }} {{ 'a  b c'.split() }} {{ c.upper() }} {{ 'hello world'.title() }}",
    "slices": "{% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %} {% for m in messages[1:3] %}{{ m.role }} "
              "{% endfor %}{{ messages[-1]['content'][-3:] }} {{ 'abcdef'[1:5:2] }} {{ messages[:-1]|length }}",
    "tests": "{{ messages is defined }} {{ nothing is defined }} {{ tools is none }} {{ 'a' is string }} "
             "{{ 3 is number }} {{ messages is not string }} {{ enable_thinking is false }} {{ 4 is even }} "
             "{{ messages[0].missing is defined }}",
    "operators": "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 'a' ~ 1 ~ none }} "
                 "{{ 1 + 2 * 3 }} {{ (1 + 2) * 3 }} {{ 'x' * 3 }} {{ 1 < 2 and 'b' > 'a' }} {{ not 0 }} "
                 "{{ 'ell' in 'hello' }} {{ 'q' not in ['a'] }} {{ 'yes' if messages else 'no' }} {{ [1] + [2] }} "
                 "{{ 3 if false }}|{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 10 - 2.5 }}",
    "loop_controls": "{% for m in messages %}{% if loop.index0 == 1 %}{% continue %}{% endif %}"
                     "{% if loop.index0 == 3 %}{% break %}{% endif %}{{ m.role }};{% endfor %}",
    "for_if_else": "{% for m in messages if m.role == 'user' %}{{ loop.index }}:{{ m.content }} {% endfor %}"
                   "{% for x in [] %}never{% else %}empty{% endfor %}",
    "dict_items": "{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }} {% endfor %}"
                  "{% for k in {'z': 0, 'y': 1} %}{{ k }}{% endfor %}",
    "raise": "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}ok",
    "specials": "{{ bos_token }}{% for m in messages %}{{ m.content + eos_token }}{% endfor %}"
                "{% if add_generation_prompt %}GEN{% endif %}",
    "generation_block": "{% for m in messages %}{% if m.role == 'assistant' %}{% generation %}[{{ m.content }}]"
                        "{% endgeneration %}{% else %}{{ m.content }}{% endif %}{% endfor %}",
    "strings": "{{ 'it\\'s' }} {{ \"dq \\\"x\\\"\" }} {{ 'tab\\there' }} {{ 'adj' 'acent' }} {{ 'ünï'|length }}",
}


def render(tok, messages, template=None, gen=True, **extra):
    try:
        return {"expected": tok.apply_chat_template(messages, chat_template=template, tokenize=False,
                                                    add_generation_prompt=gen, **extra)}
    except Exception as e:  # raise_exception in the template
        return {"raises": str(e)}


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--assets", default=os.path.join(here, "..", "..", "shared", "assets", "tokenizers"))
    ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "chat-templates", "expected.json"))
    a = ap.parse_args()
    toks = {name: AutoTokenizer.from_pretrained(os.path.join(a.assets, name)) for name in ("llama3", "qwen3")}
    cases = []

    def add(name, tok_name, template, messages, gen=True, **extra):
        tok = toks[tok_name]
        case = {"name": name, "template": template if template is not None else tok.chat_template,
                "messages": messages, "add_generation_prompt": gen, "extra": extra,
                "bos_token": tok.bos_token or "", "eos_token": tok.eos_token or ""}
        case.update(render(tok, messages, template, gen, **extra))
        cases.append(case)

    for real in ("llama3", "qwen3"):
        add(real + "/rating", real, None, RATING)
        add(real + "/chat", real, None, CHAT)
        add(real + "/chat_no_generation_prompt", real, None, CHAT, gen=False)
    add("qwen3/rating_no_thinking", "qwen3", None, RATING, enable_thinking=False)
    add("qwen3/think_history", "qwen3", None, THINK)
    for name, t in SYNTHETIC.items():
        add("synthetic/" + name, "llama3", t, CHAT, enable_thinking=False)
    doc = {"generated_by": "scripts/make-chat-template-fixture.py",
           "transformers": __import__("transformers").__version__,
           "jinja2": __import__("jinja2").__version__,
           "system_prompt": SYSTEM, "cases": cases}
    with open(a.out + ".tmp", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")
    os.replace(a.out + ".tmp", a.out)
    print(f"wrote {len(cases)} cases to {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
