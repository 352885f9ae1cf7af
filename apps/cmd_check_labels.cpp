// ntm check-labels DIR: validates a label store (every chunk's checksum, shapes, dtypes, finite
// values, CSR, corpus order) and prints a summary; one-line error and exit 2 on the first problem.
// --show N then prints the first N documents with their gold label and top soft-label words.
#include <iostream>

#include "commands.h"
#include "ntm/labels/label_store.h"
#include "ntm/labels/show_labels.h"

namespace ntm::cli {

void setup_check_labels(CLI::App& sub, CommandContext& ctx) {
  auto dir = std::make_shared<std::string>();
  auto show = std::make_shared<labels::ShowLabelsOptions>();
  sub.add_option("dir", *dir, "label store directory (written by `ntm build-labels`)")->required();
  sub.add_option("--show", show->count, "also print the first N documents: text, gold label, top soft-label words");
  sub.add_option("--corpus", show->corpus, "with --show: the corpus file (default: the path in meta.json)");
  ctx.run = [dir, show] {
    std::cout << labels::validate_label_store(*dir) << std::flush;
    if (show->count != 0) std::cout << "\n" << labels::show_label_examples(*dir, *show) << std::flush;
    return 0;
  };
}

}  // namespace ntm::cli
