#include "commands.h"

namespace ntm::cli {

void setup_train(CLI::App& sub, CommandContext& ctx) {
  ctx.run = [] { return not_implemented("train"); };
}

}  // namespace ntm::cli
