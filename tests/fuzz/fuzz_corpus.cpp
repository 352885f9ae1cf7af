// Fuzzes the corpus readers: the first byte picks format (tsv/jsonl/txt), TSV quoting and
// on_bad_row; the rest is the file content.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "ntm/data/corpus.h"
#include "ntm/error.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  static const char* formats[] = {"tsv", "jsonl", "txt", "tsv"};
  static const char* quoting[] = {"auto", "csv", "none", "auto"};
  ntm::CorpusOptions o;
  o.format = formats[mode & 3];
  o.quoting = quoting[(mode >> 2) & 3];
  o.on_bad_row = (mode & 16) ? "skip" : "error";
  if (mode & 32) o.label_column = "";
  if (mode & 64) o.max_doc_bytes = 64;
  const std::string path = ntm::fuzz::scratch_dir() + "/corpus";
  ntm::fuzz::write_bytes(path, data + 1, size - 1);
  try {
    auto r = ntm::CorpusReader::open(path, o);
    ntm::Document d;
    int64_t rows = 0;
    while (r->next(d)) {
      if (d.row != rows++) __builtin_trap();  // rows are numbered in order
    }
    r->format();
    r->quoting();
  } catch (const ntm::Error&) {
  }
  return 0;
}
