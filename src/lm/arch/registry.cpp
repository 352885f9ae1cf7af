// The one table of supported model families, keyed by config.json's model_type.
// Adding a family = one adapter file in this folder + one row here.
#include "lm/arch/arch.h"

namespace ntm::lm {

const std::vector<ArchAdapter>& arch_table() {
  static const std::vector<ArchAdapter> table = {
      llama_adapter(), mistral_adapter(), qwen2_adapter(),   qwen3_adapter(), phi3_adapter(),
      gemma_adapter(), gemma2_adapter(),  ernie4_5_adapter(), gpt2_adapter(),
  };
  return table;
}

}  // namespace ntm::lm
