#!/usr/bin/env node
// Writes tests/fixtures/tokenizers/components.json: ids and decodes from Hugging Face tokenizers
// 0.23.2 (npm) for variants of the e2e fixture's tokenizer.json that exercise the components the
// real Llama/Qwen files do not use (NFKC, Lowercase, Strip, Metaspace, Digits, Punctuation,
// WhitespaceSplit, Whitespace, Split behaviours and invert, ByteLevel with a prefix space,
// byte_fallback, unk fusing, lstrip/rstrip/single_word/normalized added tokens, BOS+EOS templates,
// decoders). Run after scripts/fetch-test-assets.sh:  node scripts/make-tokenizer-component-fixtures.js
const fs = require('fs');
const path = require('path');
const root = path.join(__dirname, '..');
const { Tokenizer } = require(path.join(root, '.assets', 'node', 'node_modules', 'tokenizers'));

const base = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/e2e/tokenizer.json'), 'utf8'));
const allTexts = JSON.parse(fs.readFileSync(path.join(root, 'tests/fixtures/tokenizers/texts.json'), 'utf8'));
const texts = allTexts.slice(0, 40).concat(allTexts.slice(250, 280), allTexts.slice(500), [
  'a<|endoftext|>b', '<|endoftext|> start', 'Hello [MASK] world', 'Hello[MASK]world', '  [MASK]  x',
  'the cat sat', 'thecat the', 'The THE tHe', 'x1y22z333 4444', 'ﬁnancial ① Ⅻ ｆｕｌｌ', '\u180Ea\u3000b\u2028c',
  '¿Qué? ¡Sí! «quote» — dash… end.', '  lead and trail  ', 'a\u0000b', '▁already▁meta spaced',
]);

const byteTokens = {};
for (let b = 0; b < 256; ++b) byteTokens['<0x' + b.toString(16).toUpperCase().padStart(2, '0') + '>'] = 384 + b;
const added = (extra) => base.added_tokens.concat(extra || []);
const mask = (o) => Object.assign({ id: 384 + 256, content: '[MASK]', single_word: false, lstrip: false, rstrip: false,
                                   normalized: false, special: true }, o);
const tpl = (bos, eos) => ({
  type: 'TemplateProcessing',
  single: [{ SpecialToken: { id: bos, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: eos, type_id: 0 } }],
  pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
  special_tokens: { [bos]: { id: bos, ids: [0], tokens: [bos] }, [eos]: { id: eos, ids: [384 + 256], tokens: [eos] } },
});
const metaDecoder = { type: 'Sequence', decoders: [
  { type: 'Replace', pattern: { String: '▁' }, content: ' ' }, { type: 'ByteFallback' }, { type: 'Fuse' },
  { type: 'Strip', content: ' ', start: 1, stop: 0 }] };

const variants = [
  { name: 'nfkc_lower_strip_whitespace',
    top: { normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }, { type: 'Strip', strip_left: true, strip_right: true }] },
           pre_tokenizer: { type: 'Whitespace' }, added_tokens: added([mask({ normalized: true, special: false, content: '[mask]' })]),
           decoder: null },
    model: { unk_token: '<|endoftext|>', fuse_unk: true } },
  { name: 'metaspace_first_bytefallback',
    top: { normalizer: { type: 'NFC' }, pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: true },
           added_tokens: added([mask({ rstrip: true })]), post_processor: tpl('<|endoftext|>', '[MASK]'), decoder: metaDecoder },
    model: { byte_fallback: true, vocab: Object.assign({}, base.model.vocab, byteTokens, { '▁': 384 + 256 }) } },
  { name: 'metaspace_always_nosplit_unk',
    top: { pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false },
           decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: false } },
    model: { unk_token: '<|endoftext|>', fuse_unk: false } },
  { name: 'digits_punct_wssplit',
    top: { pre_tokenizer: { type: 'Sequence', pretokenizers: [
             { type: 'WhitespaceSplit' }, { type: 'Punctuation', behavior: 'Isolated' }, { type: 'Digits', individual_digits: true }] },
           added_tokens: added([mask({ single_word: true, special: false })]) } },
  { name: 'split_behaviours',
    top: { pre_tokenizer: { type: 'Sequence', pretokenizers: [
             { type: 'Split', pattern: { String: ' ' }, behavior: 'MergedWithPrevious', invert: false },
             { type: 'Split', pattern: { Regex: '\\d+' }, behavior: 'MergedWithNext', invert: false },
             { type: 'Split', pattern: { Regex: '[aeiou]' }, behavior: 'Contiguous', invert: true },
             { type: 'Split', pattern: { String: 'th' }, behavior: 'Removed', invert: false },
             { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }] },
           added_tokens: added([mask({ lstrip: true, rstrip: true })]), post_processor: tpl('<|endoftext|>', '[MASK]') } },
  { name: 'bytelevel_prefix_space',
    top: { normalizer: { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
           pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
           added_tokens: added([mask({ lstrip: true })]) } },
];

function build(v) {
  const t = JSON.parse(JSON.stringify(base));
  Object.assign(t, v.top);
  Object.assign(t.model, v.model || {});
  if (!v.top.added_tokens) t.added_tokens = added([mask()]);
  // Added tokens outside the model vocabulary must have the ids tokenizers would assign them
  // (the next free id); tokenizers re-assigns inconsistent ids when it loads a file.
  const next = Object.keys(t.model.vocab).length;
  for (const a of t.added_tokens) if (a.content.toLowerCase() === '[mask]') a.id = next;
  if (t.post_processor && t.post_processor.special_tokens && t.post_processor.special_tokens['[MASK]'])
    t.post_processor.special_tokens['[MASK]'].ids = [next];
  return t;
}

(async () => {
  const out = { made_with: 'tokenizers (npm) 0.23.2', texts, variants: [] };
  for (const v of variants) {
    const t = build(v);
    const tok = Tokenizer.fromString(JSON.stringify(t));
    const plain = [], special = [], decoded = [];
    for (const text of texts) {
      const p = Array.from((await tok.encode(text, null, { addSpecialTokens: false })).getIds());
      plain.push(p);
      special.push(Array.from((await tok.encode(text, null, { addSpecialTokens: true })).getIds()));
      decoded.push(await tok.decode(p, false));
    }
    out.variants.push({ name: v.name, tokenizer: t, plain, special, decode: decoded });
  }
  const file = path.join(root, 'tests/fixtures/tokenizers/components.json');
  fs.writeFileSync(file, JSON.stringify(out));
  console.log(`wrote ${file}: ${out.variants.length} variants x ${texts.length} texts`);
})().catch((e) => { console.error(e); process.exitCode = 1; });
