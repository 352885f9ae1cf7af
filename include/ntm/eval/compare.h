#pragma once
// `ntm compare eval/a eval/b ...`: one results table (rows = runs, columns = metrics, cells =
// mean ± std over seeds) from the metrics.json files `ntm eval` wrote.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ntm::eval {

struct CompareOptions {
  std::vector<std::string> dirs;  // eval output directories (or metrics.json files)
  std::string metrics;            // comma list of metric keys to show; "" = all present
  std::string format = "text";    // text | markdown | tsv
  int precision = 3;
  // Metrics computed with different settings (top-N, coherence flavour/window/epsilon, reference
  // corpus, RBO p) than the first directory's are refused; with allow_mixed they are shown marked
  // with '*' and a note under the table names the differing setting.
  bool allow_mixed = false;
  void validate() const;
};
// dirs are positional arguments, not configuration: not in the JSON.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CompareOptions, metrics, format, precision, allow_mixed)

std::string compare_table(const CompareOptions& options);

}  // namespace ntm::eval
