// ntm: neural topic modeling with soft labels distilled from language models.
// The command table below is the whole CLI; each subcommand lives in apps/cmd_<name>.cpp.
#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <iostream>

#include "cli.h"
#include "commands.h"
#include "ntm/util/signals.h"
#include "ntm/util/symlinks.h"
#include "ntm/error.h"
#include "ntm/util/device.h"
#include "ntm/util/log.h"
#include "ntm/version.h"

namespace {

// Runs from the ELF .preinit_array: after the dynamic loader, before any library constructor, so
// before libgomp reads its environment. Without OMP_WAIT_POLICY, OpenMP workers spin after every
// parallel region and compete with OpenBLAS's own threads for the same cores between the many
// small ATen ops of a training step (DSL-ProdLDA on 2 cores, --threads 2: 3.6-4.5 s/epoch
// spinning, 1.5 s passive). setenv() here would be undone by libc's own initialisation, which
// resets `environ`, so the process re-executes itself once with OMP_WAIT_POLICY=PASSIVE added.
// That costs about 0.15 s (mapping and relocating libtorch again), so only the commands that run
// tensor math for seconds or hours do it (an argument equal to their name is enough; a false
// positive only costs the 0.15 s). A value the user set is kept (OMP_WAIT_POLICY=active restores
// spinning); if the exec fails, ntm carries on as it is.
void run_with_passive_openmp(int argc, char** argv, char** envp) {
  static const char* const kTensorCommands[] = {"train", "build-labels", "infer", "lm-run"};
  bool heavy = false;
  for (int i = 1; i < argc && !heavy; ++i)
    for (const char* c : kTensorCommands) heavy = heavy || std::strcmp(argv[i], c) == 0;
  if (!heavy || envp == nullptr) return;
  constexpr char kVar[] = "OMP_WAIT_POLICY=";
  size_t n = 0;
  for (; envp[n] != nullptr; ++n)
    if (std::strncmp(envp[n], kVar, sizeof kVar - 1) == 0) return;
  auto** env = static_cast<char**>(std::malloc((n + 2) * sizeof(char*)));
  if (env == nullptr) return;
  for (size_t i = 0; i < n; ++i) env[i] = envp[i];
  env[n] = const_cast<char*>("OMP_WAIT_POLICY=PASSIVE");
  env[n + 1] = nullptr;
  // The binary's real path, not /proc/self/exe itself: the kernel names a process after the file
  // it executes, and ps/top should show "ntm", not "exe".
  char self[4096];
  const ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
  if (len > 0) {
    self[len] = '\0';
    execve(self, argv, env);
  }
  std::free(env);
}
__attribute__((section(".preinit_array"), used)) void (*const kPreinit)(int, char**, char**) = run_with_passive_openmp;

const ntm::cli::Command kCommands[] = {
    {"vocab", "build a topic vocabulary (most frequent filtered words) from a corpus", ntm::cli::setup_vocab,
     "  ntm vocab --corpus data/samples/brown_passages.tsv --size 2000 --out vocab.json\n"
     "  ntm vocab --corpus tweets.jsonl --format jsonl --size 500 --out vocab.json"},
    {"build-labels", "run a causal LM over a corpus: soft labels, hidden states, BoW", ntm::cli::setup_build_labels,
     "  ntm build-labels --corpus data/samples/brown_passages.tsv --model data/tiny-lm --out labels/\n"
     "  ntm --device cuda build-labels --corpus news.tsv --model ~/models/Llama-3.2-1B-Instruct --vocab vocab.json \\\n"
     "      --out shards/0 --shard 0/4        # one of four slices; then: ntm merge-labels --out labels/ shards/*\n"
     "  ntm build-labels --corpus news.tsv --model M --out labels/ --resume     # continue after a crash"},
    {"train", "train topic models (DSL-ProdLDA, baselines) from a label store", ntm::cli::setup_train,
     "  ntm train --config configs/dsl-prodlda.json --labels labels/ --out runs/dsl --num-topics 50 --seeds 0,1,2,3,4\n"
     "  ntm train --model prodlda --labels labels/ --out runs/prodlda --epochs 100\n"
     "  ntm train --config configs/dsl-prodlda.json --labels labels/ --out runs/dsl --resume   # after a kill\n"
     "  ntm train --list-models"},
    {"infer", "document-topic distributions for new documents with a trained model", ntm::cli::setup_infer,
     "  ntm infer --run runs/dsl/seed-0 --labels new_labels/ --out theta_new.safetensors"},
    {"eval", "score topics and document-topic matrices (coherence, diversity, clustering, retrieval)",
     ntm::cli::setup_eval,
     "  ntm eval --run runs/dsl --corpus data.tsv --out eval/dsl --report\n"
     "  ntm eval --run runs/dsl --reference-corpus wiki.tokens --reference-format tokens --coherence-flavour gensim \\\n"
     "      --metrics diversity,c_v,c_npmi --out eval/dsl-gensim"},
    {"check-labels", "validate a label store (checksums, shapes, finite values) and summarise it",
     ntm::cli::setup_check_labels, "  ntm check-labels labels/"},
    {"tokenize", "turn texts (JSON lines) into LM token ids (tokenizer.json or tokenizer.model)",
     ntm::cli::setup_tokenize, "  echo '\"Topic: space\"' | ntm tokenize --model data/tiny-lm --stats"},
    {"lm-run", "run a Hugging Face causal LM over token-id sequences: last-token logits and hidden states",
     ntm::cli::setup_lm_run,
     "  ntm lm-run --model data/tiny-lm --input ids.jsonl --out out.safetensors --layers all\n"
     "  ntm --device cuda lm-run --model ~/models/Qwen3-0.6B --input ids.jsonl --out out.safetensors --dtype bfloat16"},
    {"merge-labels", "concatenate label-store shards written by build-labels --shard i/n", ntm::cli::setup_merge_labels,
     "  ntm merge-labels --out labels/ shards/0 shards/1 shards/2 shards/3"},
    {"compare", "print one results table (mean ± std) of several ntm eval outputs", ntm::cli::setup_compare,
     "  ntm compare eval/dsl eval/prodlda eval/lda --format markdown"},
};

}  // namespace

int main(int argc, char** argv) {
  // Keep large tensor buffers (attention scores of long documents, batch activations) in the heap
  // for reuse instead of mmap/munmap-ing them on every allocation: on long CPU runs the page faults
  // otherwise cost more than the arithmetic.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  CLI::App app{"ntm " + ntm::version() +
               " — neural topic models trained on soft labels distilled from language models"};
  app.require_subcommand(0, 1);
  app.set_help_all_flag("--help-all", "print help for every subcommand");
  ntm::cli::GlobalOptions global;
  bool show_version = false;
  app.add_flag("--version", show_version, "print ntm and libtorch versions and whether CUDA is usable");
  app.add_option("--log-level", global.log_level, "trace|debug|info|warn|error|off (default: $NTM_LOG_LEVEL or info)");
  app.add_option("--log-file", global.log_file, "also write logs to this file");
  app.add_option("--threads", global.threads, "CPU threads for tensor math (0 = all cores)")->capture_default_str();
  app.add_option("--seed", global.seed,
                 "seed of infer's theta sampling and other one-off draws (train uses --seeds, one run per seed)")
      ->capture_default_str();
  bool allow_external_symlinks = false;
  app.add_flag("--allow-external-symlinks", allow_external_symlinks,
               "follow symlinks in a model folder that point outside it (also NTM_ALLOW_EXTERNAL_SYMLINKS=1)");
  app.add_option("--device", global.device, "auto|cpu|cuda|cuda:N")->capture_default_str();

  std::vector<std::pair<CLI::App*, ntm::cli::CommandContext>> subs;
  subs.reserve(std::size(kCommands));
  for (const auto& cmd : kCommands) {
    CLI::App* sub = app.add_subcommand(cmd.name, cmd.summary);
    sub->fallthrough();
    subs.push_back({sub, ntm::cli::CommandContext{&global, {}}});
    cmd.setup(*sub, subs.back().second);
    if (cmd.examples) sub->footer(std::string("Examples:\n") + cmd.examples);
  }
  // Set after the subcommands: CLI11 copies a parent's footer into subcommands created later.
  app.footer("Every command and option: docs/cli.md; a first walk-through: the five-command tour in README.md.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  ntm::install_stop_handlers();
  ntm::set_allow_external_symlinks(allow_external_symlinks);
  try {
    ntm::init_logging(global.log_level, global.log_file);
    if (show_version) {
      std::cout << "ntm " << ntm::version() << "\n" << ntm::runtime_description() << std::endl;
      return 0;
    }
    for (auto& [sub, ctx] : subs) {
      if (sub->parsed()) {
        ntm::configure_runtime(global.threads, global.seed);
        ntm::resolve_device(global.device);  // fail early on an unusable --device
        return ctx.run ? ctx.run() : ntm::cli::not_implemented(sub->get_name());
      }
    }
    std::cout << app.help() << std::endl;
    return 2;
  } catch (const ntm::Interrupted& e) {
    std::cerr << "ntm: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const ntm::Error& e) {
    std::cerr << "ntm: error: " << e.what() << std::endl;
    return e.exit_code();
  } catch (const std::exception& e) {
    if (ntm::is_out_of_memory(e)) {  // outside the LM batcher, which names --batch-tokens itself
      std::string first = e.what();
      std::cerr << "ntm: error: the device ran out of memory; lower --batch-size (train) or --batch-tokens "
                   "(build-labels, lm-run), or use --device cpu ("
                << first.substr(0, first.find('\n')) << ")" << std::endl;
      return 2;
    }
    std::cerr << "ntm: internal error: " << e.what() << std::endl;
    return 1;
  }
}
