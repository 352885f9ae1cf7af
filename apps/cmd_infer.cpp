// ntm infer: θ for documents not seen in training, with a trained seed's model.
//   ntm infer --run runs/x/seed-0 --labels new_labels/ --out theta.safetensors [--theta mean]
#include <iostream>
#include <memory>

#include "commands.h"
#include "ntm/topic/run.h"

namespace ntm::cli {

void setup_infer(CLI::App& sub, CommandContext& ctx) {
  auto opts = std::make_shared<topic::InferOptions>();
  auto binder = std::make_shared<OptionBinder>(&sub);
  binder->add("run", opts->run, "a trained seed directory (runs/x/seed-0)");
  binder->add("labels", opts->labels, "label store with the documents (same vocabulary and LM)");
  binder->add("out", opts->out, "theta.safetensors to write (theta, doc_index, labels)");
  binder->add("theta", opts->theta, "sample | mean (default: as the run was trained)");
  binder->add("force", opts->force, "replace an existing --out file that is not a theta file written by ntm");
  binder->add("allow_mismatch", opts->allow_mismatch,
              "lm | prompt | hidden_dtype: accept a label store whose LM, prompt or hidden dtype differs from "
              "the run's (comma list)")
      ->delimiter(',');
  ctx.run = [opts, binder, g = ctx.global] {
    if (!resolve_options(*binder, *opts)) return 0;
    topic::run_infer(*opts, g->device, g->seed);
    std::cout << opts->out << std::endl;
    return 0;
  };
}

}  // namespace ntm::cli
