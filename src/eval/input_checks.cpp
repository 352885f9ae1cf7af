// eval's inputs against what the run was trained on (see check_eval_inputs in ntm/eval/inputs.h).
#include <fstream>

#include "ntm/data/corpus.h"
#include "ntm/error.h"
#include "ntm/eval/evaluate.h"
#include "ntm/eval/inputs.h"
#include "ntm/util/artifact.h"
#include "ntm/util/hash.h"

namespace ntm::eval {

namespace {

int64_t count_corpus_rows(const std::string& path, const std::string& label_column) {
  CorpusOptions co;
  co.label_column = label_column;
  auto reader = CorpusReader::open(path, co);
  Document doc;
  int64_t n = 0;
  while (reader->next(doc)) ++n;
  return n;
}

int64_t count_lines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) input_error("--labels-file ", path, ": cannot be read");
  int64_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

}  // namespace

void check_eval_inputs(const EvalOptions& o, const EvalInputs& in) {
  if (!in.trained.is_object() || !in.trained.contains("corpus") || !in.trained["corpus"].is_object()) return;
  const nlohmann::json& corpus = in.trained["corpus"];
  const std::string where = "eval of " + in.source;
  const int64_t rows = corpus.contains("rows") && corpus["rows"].is_number_integer() ? corpus["rows"].get<int64_t>() : -1;
  if (!o.corpus.empty() && corpus.contains("sha256") && corpus["sha256"].is_string()) {
    const std::string want = corpus["sha256"].get<std::string>(), got = sha256_file(o.corpus);
    if (got != want) {
      report_mismatch(where, "corpus",
                      "--corpus " + o.corpus + " has sha256 " + short_hash(got) + ", the run was trained on " +
                          short_hash(want),
                      o.allow_mismatch);
      const int64_t n = rows >= 0 ? count_corpus_rows(o.corpus, o.label_column) : -1;
      if (n != rows)
        report_mismatch(where, "rows",
                        "--corpus " + o.corpus + " has " + std::to_string(n) + " rows, the run's corpus " +
                            std::to_string(rows),
                        o.allow_mismatch);
    }
  }
  if (!o.labels_file.empty() && rows >= 0) {
    const int64_t n = count_lines(o.labels_file);
    if (n != rows)
      report_mismatch(where, "labels_file",
                      "--labels-file " + o.labels_file + " has " + std::to_string(n) +
                          " lines, the run's corpus has " + std::to_string(rows) + " rows (one label per row)",
                      o.allow_mismatch);
  }
}

}  // namespace ntm::eval
