#include "commands.h"

namespace ntm::cli {

void setup_eval(CLI::App& sub, CommandContext& ctx) {
  ctx.run = [] { return not_implemented("eval"); };
}

}  // namespace ntm::cli
