// ntm compare: one table of several `ntm eval` outputs (the paper-style results table).
#include <iostream>

#include "commands.h"
#include "ntm/eval/compare.h"

namespace ntm::cli {

void setup_compare(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<eval::CompareOptions>();
  auto dirs = std::make_shared<std::vector<std::string>>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  sub.add_option("dirs", *dirs, "eval output directories (or metrics.json files)");
  binder->add("metrics", opts->metrics, "comma list of metric keys to show (default: all)");
  binder->add("format", opts->format, "text | markdown | tsv");
  binder->add("precision", opts->precision, "decimals");
  binder->add("allow_mixed", opts->allow_mixed,
              "show metrics computed with different settings or reference corpora, marked '*', instead of refusing");
  ctx.run = [opts, dirs, binder] {
    if (!resolve_options(*binder, *opts)) return 0;
    opts->dirs = *dirs;
    std::cout << eval::compare_table(*opts);
    return 0;
  };
}

}  // namespace ntm::cli
