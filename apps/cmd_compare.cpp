// ntm compare: one table of several `ntm eval` outputs (the paper-style results table).
#include <iostream>

#include "commands.h"
#include "ntm/eval/compare.h"

namespace ntm::cli {

void setup_compare(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<eval::CompareOptions>();
  sub.add_option("dirs", opts->dirs, "eval output directories (or metrics.json files)")->required();
  sub.add_option("--metrics", opts->metrics, "comma list of metric keys to show (default: all)");
  sub.add_option("--format", opts->format, "text | markdown | tsv")->capture_default_str();
  sub.add_option("--precision", opts->precision, "decimals")->capture_default_str();
  sub.add_flag("--allow-mixed", opts->allow_mixed,
               "show metrics computed with different settings or reference corpora, marked '*', instead of refusing");
  ctx.run = [opts] {
    std::cout << eval::compare_table(*opts);
    return 0;
  };
}

}  // namespace ntm::cli
