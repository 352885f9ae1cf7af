// ntm check-labels DIR: validates a label store (every chunk's checksum, shapes, dtypes, finite
// values, CSR, corpus order) and prints a summary; one-line error and exit 2 on the first problem.
// --show N then prints the first N documents with their gold label and top soft-label words.
#include <iostream>

#include "commands.h"
#include "ntm/error.h"
#include "ntm/labels/label_store.h"
#include "ntm/labels/show_labels.h"

namespace ntm::cli {

void setup_check_labels(CLI::App& sub, CommandContext& ctx) {
  auto dir = std::make_shared<std::string>();
  auto show = std::make_shared<labels::ShowLabelsOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  sub.add_option("dir", *dir, "label store directory (written by `ntm build-labels`)");
  binder->add("show", show->count, "also print the first N documents: text, gold label, top soft-label words");
  binder->add("corpus", show->corpus, "with --show: the corpus file (default: the path in meta.json)");
  binder->add("top_words", show->top_words, "with --show: soft-label words per document");
  binder->add("text_bytes", show->text_bytes, "with --show: bytes of each document's text shown");
  ctx.run = [dir, show, binder] {
    if (!resolve_options(*binder, *show)) return 0;
    if (dir->empty()) usage_error("check-labels: name the label store directory (ntm check-labels DIR)");
    std::cout << labels::validate_label_store(*dir) << std::flush;
    if (show->count != 0) std::cout << "\n" << labels::show_label_examples(*dir, *show) << std::flush;
    return 0;
  };
}

}  // namespace ntm::cli
