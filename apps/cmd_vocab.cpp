#include "commands.h"

namespace ntm::cli {

void setup_vocab(CLI::App& sub, CommandContext& ctx) {
  ctx.run = [] { return not_implemented("vocab"); };
}

}  // namespace ntm::cli
