#!/usr/bin/env node
// Reference side of the tokenizer parity check and benchmark: Hugging Face tokenizers 0.23.2
// (npm package `tokenizers`, installed into .assets/node by scripts/fetch-test-assets.sh).
//
//   node scripts/hf-tokenize.js encode TOKENIZER_JSON TEXTS_JSONL OUT_JSONL [--special]
//       one JSON array of ids per input line (a JSON string per line)
//   node scripts/hf-tokenize.js bench TOKENIZER_JSON TEXTS_JSONL [--batch N]
//       times encodeBatch over all texts (run with RAYON_NUM_THREADS=1 for one thread);
//       prints "docs bytes wall_seconds cpu_seconds tokens" (cpu: the whole process, all threads)
//   node scripts/hf-tokenize.js gpt2-json ENCODER_JSON VOCAB_BPE OUT_TOKENIZER_JSON
//       writes a tokenizer.json equivalent to GPT2TokenizerFast from encoder.json + vocab.bpe
//   node scripts/hf-tokenize.js tsv2jsonl OUT_JSONL FILE.tsv...
//       the text column (before the TAB, header line skipped) of each TSV, as JSON lines
//   node scripts/hf-tokenize.js compare A_JSONL B_JSONL TEXTS_JSONL LABEL [--show N]
//       counts lines whose id arrays differ; prints the first N mismatches
const fs = require('fs');
const path = require('path');

function loadTokenizers() {
  const dir = path.join(__dirname, '..', process.env.NTM_ASSETS_DIR || '.assets', 'node', 'node_modules', 'tokenizers');
  return require(dir);
}

function readLines(file) {
  const text = fs.readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function encode(tokJson, textsFile, outFile, special) {
  const { Tokenizer } = loadTokenizers();
  const tok = Tokenizer.fromFile(tokJson);
  const texts = readLines(textsFile).map((l) => JSON.parse(l));
  const out = fs.openSync(outFile, 'w');
  const B = 512;
  for (let i = 0; i < texts.length; i += B) {
    const encs = await tok.encodeBatch(texts.slice(i, i + B), { addSpecialTokens: special });
    fs.writeSync(out, encs.map((e) => JSON.stringify(Array.from(e.getIds()))).join('\n') + '\n');
  }
  fs.closeSync(out);
}

async function bench(tokJson, textsFile, batch) {
  const { Tokenizer } = loadTokenizers();
  const tok = Tokenizer.fromFile(tokJson);
  const texts = readLines(textsFile).map((l) => JSON.parse(l));
  const bytes = texts.reduce((s, t) => s + Buffer.byteLength(t, 'utf8'), 0);
  await tok.encodeBatch(texts.slice(0, 64), { addSpecialTokens: false });  // warm up
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  let n = 0;
  for (let i = 0; i < texts.length; i += batch) {
    const encs = await tok.encodeBatch(texts.slice(i, i + batch), { addSpecialTokens: false });
    for (const e of encs) n += e.getIds().length;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const c = process.cpuUsage(c0);
  console.log(`${texts.length} ${bytes} ${s} ${(c.user + c.system) / 1e6} ${n}`);
}

function gpt2Json(encoderFile, bpeFile, outFile) {
  const vocab = JSON.parse(fs.readFileSync(encoderFile, 'utf8'));
  const merges = readLines(bpeFile).filter((l, i) => !(i === 0 && l.startsWith('#version')) && l.length > 0);
  const eot = vocab['<|endoftext|>'];
  const tj = {
    version: '1.0', truncation: null, padding: null,
    added_tokens: [{ id: eot, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false,
                     normalized: true, special: true }],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '',
             fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges },
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile + '.tmp', JSON.stringify(tj));
  fs.renameSync(outFile + '.tmp', outFile);
}

function tsv2jsonl(outFile, files) {
  const out = [];
  for (const f of files) {
    const lines = readLines(f);
    for (let i = 1; i < lines.length; ++i) {
      const tab = lines[i].lastIndexOf('\t');
      out.push(JSON.stringify(tab >= 0 ? lines[i].slice(0, tab) : lines[i]));
    }
  }
  fs.writeFileSync(outFile, out.join('\n') + '\n');
}

function compare(aFile, bFile, textsFile, label, show) {
  const a = readLines(aFile), b = readLines(bFile), texts = readLines(textsFile);
  let bad = 0;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; ++i) {
    if (a[i] === b[i]) continue;
    if (a[i] && b[i] && JSON.stringify(JSON.parse(a[i])) === JSON.stringify(JSON.parse(b[i]))) continue;
    ++bad;
    if (bad <= show) {
      const x = a[i] ? JSON.parse(a[i]) : [], y = b[i] ? JSON.parse(b[i]) : [];
      let k = 0;
      while (k < x.length && k < y.length && x[k] === y[k]) ++k;
      console.log(`  MISMATCH ${label} doc ${i}: first difference at token ${k}: ntm ${JSON.stringify(x.slice(k, k + 6))}` +
                  ` hf ${JSON.stringify(y.slice(k, k + 6))}; text ${(texts[i] || '').slice(0, 160)}`);
    }
  }
  console.log(`${label}: ${n} docs, ${bad} mismatches`);
  return bad;
}

(async () => {
  const [cmd, ...args] = process.argv.slice(2);
  if (cmd === 'encode') await encode(args[0], args[1], args[2], args.includes('--special'));
  else if (cmd === 'bench') {
    const k = args.indexOf('--batch');
    await bench(args[0], args[1], k >= 0 ? parseInt(args[k + 1], 10) : 1);
  } else if (cmd === 'gpt2-json') gpt2Json(args[0], args[1], args[2]);
  else if (cmd === 'tsv2jsonl') tsv2jsonl(args[0], args.slice(1));
  else if (cmd === 'compare') {
    const k = args.indexOf('--show');
    const bad = compare(args[0], args[1], args[2], args[3], k >= 0 ? parseInt(args[k + 1], 10) : 5);
    process.exitCode = bad ? 1 : 0;
  } else {
    console.error('usage: hf-tokenize.js encode|bench|gpt2-json|tsv2jsonl|compare ... (see the header)');
    process.exitCode = 2;
  }
})().catch((e) => { console.error(`hf-tokenize.js: ${e.message || e}`); process.exitCode = 2; });
