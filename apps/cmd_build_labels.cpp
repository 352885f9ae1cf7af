#include "commands.h"

namespace ntm::cli {

void setup_build_labels(CLI::App& sub, CommandContext& ctx) {
  ctx.run = [] { return not_implemented("build-labels"); };
}

}  // namespace ntm::cli
