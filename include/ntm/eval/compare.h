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
  void validate() const;
};
// dirs are positional arguments, not configuration: not in the JSON.
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(CompareOptions, metrics, format, precision)

std::string compare_table(const CompareOptions& options);

}  // namespace ntm::eval
