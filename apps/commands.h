#pragma once
// One setup function per subcommand (apps/cmd_<name>.cpp).
#include "cli.h"

namespace ntm::cli {
void setup_vocab(CLI::App& sub, CommandContext& ctx);
void setup_build_labels(CLI::App& sub, CommandContext& ctx);
void setup_train(CLI::App& sub, CommandContext& ctx);
void setup_infer(CLI::App& sub, CommandContext& ctx);
void setup_eval(CLI::App& sub, CommandContext& ctx);
void setup_check_labels(CLI::App& sub, CommandContext& ctx);
void setup_tokenize(CLI::App& sub, CommandContext& ctx);
void setup_lm_run(CLI::App& sub, CommandContext& ctx);
void setup_merge_labels(CLI::App& sub, CommandContext& ctx);
void setup_compare(CLI::App& sub, CommandContext& ctx);
}  // namespace ntm::cli
