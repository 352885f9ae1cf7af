// ntm check-labels DIR: validates a label store (every chunk's checksum, shapes, dtypes, finite
// values, CSR, corpus order) and prints a summary; one-line error and exit 2 on the first problem.
#include <iostream>

#include "commands.h"
#include "ntm/labels/label_store.h"

namespace ntm::cli {

void setup_check_labels(CLI::App& sub, CommandContext& ctx) {
  auto dir = std::make_shared<std::string>();
  sub.add_option("dir", *dir, "label store directory (written by `ntm build-labels`)")->required();
  ctx.run = [dir] {
    std::cout << labels::validate_label_store(*dir) << std::flush;
    return 0;
  };
}

}  // namespace ntm::cli
