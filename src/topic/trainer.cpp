#include "ntm/topic/trainer.h"

#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <sstream>
#include <string_view>
#include <thread>

#include "ntm/error.h"
#include "ntm/io/safetensors.h"
#include "ntm/topic/adam.h"
#include "ntm/util/fs.h"
#include "ntm/util/hash.h"
#include "ntm/util/signals.h"

namespace ntm::topic {
namespace {

constexpr const char* kCheckpoint = "checkpoint.safetensors";

// Preallocated CPU staging buffers so that gathering a batch does not allocate.
struct BatchStager {
  at::Tensor x, weight;  // [B_max, H], [B_max, V]
  Batch gather(const TrainData& data, const at::Tensor& rows, c10::Device device) {
    const int64_t B = rows.size(0);
    Batch b;
    if (data.x.defined()) {
      if (!x.defined() || x.size(0) < B) x = torch::empty({B, data.x.size(1)}, torch::kFloat32);
      auto dst = x.narrow(0, 0, B);
      at::index_select_out(dst, data.x, 0, rows);
      b.x = device.is_cpu() ? dst : dst.to(device);
    }
    if (data.target.weight.defined()) {
      if (!weight.defined() || weight.size(0) < B) weight = torch::empty({B, data.vocab_size}, torch::kFloat32);
      auto dst = weight.narrow(0, 0, B);
      at::index_select_out(dst, data.target.weight, 0, rows);
      b.weight = device.is_cpu() ? dst : dst.to(device);
      b.kl = data.target.kl;
    }
    if (data.bow_target || data.bow_input) {
      auto bow = dense_bow(data, rows).to(device);  // [B, V]
      if (data.bow_input) b.bow = bow;
      if (data.bow_target) {
        b.weight = bow;
        b.kl = false;
      }
    }
    return b;
  }
};

// A checkpoint's metadata ends with "sha256" over every other metadata value and every tensor
// (name, byte count and bytes of each part, in name order). safetensors has no checksum, and a
// flipped bit would otherwise let --resume continue silently from damaged values.
using Parts = std::vector<std::pair<std::string, std::string_view>>;
constexpr const char* kMetaPrefix = "__metadata__.";

std::string checkpoint_digest(Parts parts) {
  std::sort(parts.begin(), parts.end());
  Sha256 h;
  for (const auto& [name, bytes] : parts) {
    const uint64_t n = bytes.size();
    h.update(name.data(), name.size() + 1);  // with its terminating NUL
    h.update(&n, sizeof n);
    h.update(bytes);
  }
  return h.hex_digest();
}

// The noise generator's state is device specific (CPU: mt19937, CUDA: Philox seed + offset), so
// it is stored under the device kind that wrote it: "rng.noise.cpu", "rng.noise.cuda".
std::string noise_state_name(c10::Device device) {
  return "rng.noise." + c10::DeviceTypeName(device.type(), /*lower_case=*/true);
}

// Restores the noise generator from the entry of its own device kind. A checkpoint written on
// another device kind resumes too: the generator is reseeded from (its seed, epoch), so the
// rest of this seed is reproducible but differs from an uninterrupted run on one device.
void restore_noise_state(const st::File& f, at::Generator& noise, int64_t epochs, const std::string& path) {
  const std::string own = noise_state_name(noise.device());
  std::string found;
  for (const auto& name : f.names()) {
    if (name == own) {
      noise.set_state(f.tensor(name).clone());
      return;
    }
    if (name.rfind("rng.noise", 0) == 0) found = name;
  }
  if (found == "rng.noise") {  // written before the state was labelled: try it as this device's
    try {
      noise.set_state(f.tensor(found).clone());
      return;
    } catch (const c10::Error&) {
    }
  }
  if (found.empty()) input_error(path, ": no random generator state rng.noise.*; the checkpoint is damaged, rerun without --resume");
  spdlog::warn("{}: the noise generator state is {} (written on another kind of device); resuming on {} with the "
               "generator reseeded from the seed and epoch {}: reproducible, but not the bytes of an uninterrupted run",
               path, found, noise.device().str(), epochs);
  noise.set_current_seed(noise.current_seed() + 0x9E3779B97F4A7C15ULL * static_cast<uint64_t>(epochs + 1));
}

std::string checkpoint_file_digest(const st::File& f) {
  Parts parts;
  for (const auto& info : f.tensors())
    parts.emplace_back(info.name, std::string_view(reinterpret_cast<const char*>(f.bytes(info)), info.end - info.begin));
  for (const auto& [k, v] : f.header().metadata)
    if (k != "sha256") parts.emplace_back(kMetaPrefix + k, v);
  return checkpoint_digest(std::move(parts));
}

void save_checkpoint(const std::string& path, TopicModel& model, const Adam& adam, const at::Generator& shuffle,
                     const at::Generator& noise, const std::string& identity, const TrainOutcome& so_far) {
  std::vector<std::pair<std::string, at::Tensor>> ts;
  for (auto& [n, t] : model.named_state()) ts.emplace_back("model." + n, t.detach().cpu().contiguous());
  for (auto& [n, t] : adam.state()) ts.emplace_back("adam." + n, t.detach().cpu().contiguous());
  ts.emplace_back("rng.shuffle", shuffle.get_state().contiguous());
  ts.emplace_back(noise_state_name(noise.device()), noise.get_state().contiguous());
  std::vector<std::pair<std::string, std::string>> meta = {
      {"format", "ntm-train-checkpoint"},
      {"epoch", std::to_string(so_far.epochs)},
      {"adam_steps", std::to_string(adam.steps())},
      {"identity", identity},
      {"final_loss", nlohmann::json(so_far.final_loss).dump()},
      {"metrics", nlohmann::json(so_far.metrics).dump()}};
  Parts parts;
  for (const auto& [n, t] : ts) parts.emplace_back(n, std::string_view(static_cast<const char*>(t.data_ptr()), t.nbytes()));
  for (const auto& [k, v] : meta) parts.emplace_back(kMetaPrefix + k, v);
  meta.emplace_back("sha256", checkpoint_digest(std::move(parts)));
  st::save(path, ts, meta);
}

// Returns true when a checkpoint was loaded.
bool load_checkpoint(const std::string& path, TopicModel& model, Adam& adam, at::Generator& shuffle,
                     at::Generator& noise, const std::string& identity, TrainOutcome& so_far) {
  if (!path_exists(path)) return false;
  auto f = st::File::open(path);
  if (f->metadata("format") != "ntm-train-checkpoint") input_error(path, ": not an ntm training checkpoint");
  if (f->metadata("identity") != identity)
    usage_error(path, ": this checkpoint was written with another configuration or label store; "
                      "rerun with the same --config/flags, or without --resume to start over");
  if (f->metadata("sha256") != checkpoint_file_digest(*f))
    input_error(path, ": the checkpoint does not match its sha256 (the file is damaged, or an ntm older than "
                      "checkpoint checksums wrote it); rerun without --resume to start over");
  NamedTensors model_state, adam_state;
  for (const auto& name : f->names()) {
    if (name.rfind("model.", 0) == 0) model_state.emplace_back(name.substr(6), f->tensor(name));
    if (name.rfind("adam.", 0) == 0) adam_state.emplace_back(name.substr(5), f->tensor(name));
  }
  // The metadata is text: parse it as JSON and check the types (a damaged checkpoint is an input
  // error naming the key, never an exception from std::stoll or nlohmann).
  auto meta_json = [&](const char* key, const char* fallback) {
    auto j = nlohmann::json::parse(f->metadata(key, fallback), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) input_error(path, ": metadata '", key, "' is not valid; the checkpoint is damaged, rerun without --resume");
    return j;
  };
  auto meta_count = [&](const char* key) {
    auto j = meta_json(key, "0");
    if (!j.is_number_integer() || j.get<int64_t>() < 0)
      input_error(path, ": metadata '", key, "' must be a non-negative integer; the checkpoint is damaged, rerun without --resume");
    return j.get<int64_t>();
  };
  model.load_state(model_state, path);
  adam.load_state(adam_state, meta_count("adam_steps"), path);
  so_far.epochs = meta_count("epoch");
  try {
    shuffle.set_state(f->tensor("rng.shuffle").clone());
    restore_noise_state(*f, noise, so_far.epochs, path);
  } catch (const c10::Error&) {
    input_error(path, ": the random generator states rng.shuffle / rng.noise are damaged; rerun without --resume");
  }
  auto loss = meta_json("final_loss", "0");
  auto metrics = meta_json("metrics", "[]");
  if (!loss.is_number() || !metrics.is_array())
    input_error(path, ": metadata final_loss / metrics have the wrong type; the checkpoint is damaged, rerun without --resume");
  so_far.final_loss = loss.get<double>();
  for (auto& m : metrics) so_far.metrics.push_back(m);
  return true;
}

// SIGINT/SIGTERM (ntm/util/signals.h): the batch in progress is abandoned; the last checkpoint
// (epoch `checkpointed`) stays, so --resume reproduces the uninterrupted run exactly.
void stop_if_requested(const SeedTraining& run, int64_t epochs_done, int64_t checkpointed) {
  if (!stop_requested()) return;
  const int sig = stop_signal();
  std::ostringstream m;
  m << "train: stopped by " << (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal") << " in seed "
    << run.seed << " after " << epochs_done << " finished epoch(s)";
  if (checkpointed > 0) {
    m << " (checkpoint " << path_join(run.dir, kCheckpoint);
    if (checkpointed < epochs_done) m << " of epoch " << checkpointed;
    m << ")";
  }
  m << "; rerun the same command with --resume to continue";
  throw Interrupted(sig, m.str());
}

// Test hooks: NTM_FAULT_EPOCH_DELAY_MS=N sleeps N ms after each epoch, so that a test can signal
// a real training process mid-run (returns early on a stop request);
// NTM_FAULT_STOP_AFTER_EPOCH=E acts as if SIGTERM arrived right after epoch E.
void fault_epoch_hooks(int64_t epoch) {
  static const long ms = [] {
    const char* e = std::getenv("NTM_FAULT_EPOCH_DELAY_MS");
    return e ? std::strtol(e, nullptr, 10) : 0L;
  }();
  static const long stop_after = [] {
    const char* e = std::getenv("NTM_FAULT_STOP_AFTER_EPOCH");
    return e ? std::strtol(e, nullptr, 10) : 0L;
  }();
  if (stop_after > 0 && epoch == stop_after) request_stop(SIGTERM);
  for (long t = 0; t < ms && !stop_requested(); t += 5) std::this_thread::sleep_for(std::chrono::milliseconds(5));
}

void write_metrics(const std::string& path, const std::vector<nlohmann::json>& metrics) {
  std::string text;
  for (const auto& m : metrics) text += m.dump() + "\n";
  write_file_atomic(path, text);
}

}  // namespace

std::vector<std::pair<int64_t, int64_t>> epoch_batches(int64_t num_docs, int64_t batch_size) {
  NTM_CHECK(batch_size >= 1, "batch_size must be >= 1");
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t b = 0; b < num_docs;) {
    int64_t e = std::min(num_docs, b + batch_size);
    if (num_docs - e == 1 && e - b > 1) e = num_docs;  // a lone last document joins this batch
    out.emplace_back(b, e);
    b = e;
  }
  return out;
}

Batch make_batch(const TrainData& data, const at::Tensor& rows, c10::Device device) {
  BatchStager stager;
  Batch b = stager.gather(data, rows, device);
  if (b.x.defined() && device.is_cpu()) b.x = b.x.clone();
  if (b.weight.defined() && device.is_cpu() && !data.bow_target) b.weight = b.weight.clone();
  return b;
}

std::string checkpoint_sha256(const std::string& path) { return checkpoint_file_digest(*st::File::open(path)); }

at::Generator make_noise_generator(c10::Device device, uint64_t seed) {
  if (device.is_cpu()) return at::detail::createCPUGenerator(seed);
  auto gen = at::globalContext().defaultGenerator(device);
  gen.set_current_seed(seed);
  return gen;
}

TrainOutcome train_seed(TopicModel& model, const TrainData& data, const TrainOptions& opts, const SeedTraining& run,
                        at::Generator& noise_gen) {
  const int64_t D = data.num_docs;
  at::Generator shuffle_gen = at::detail::createCPUGenerator(static_cast<uint64_t>(run.seed));
  Adam adam(model.named_parameters(), AdamOptions{opts.lr, opts.beta1, opts.beta2, opts.adam_eps, opts.weight_decay});
  // Full-batch models (FASTopic) take every document in corpus order each step.
  const int64_t batch_size = model.full_batch() ? D : opts.batch_size;
  const bool shuffle = opts.shuffle && !model.full_batch();
  const std::string ckpt = path_join(run.dir, kCheckpoint);
  const std::string metrics_path = path_join(run.dir, "metrics.jsonl");
  TrainOutcome out;
  if (run.resume && load_checkpoint(ckpt, model, adam, shuffle_gen, noise_gen, run.identity, out))
    spdlog::info("seed {}: resuming after epoch {} from {}", run.seed, out.epochs, ckpt);
  if (out.epochs > opts.epochs)
    usage_error("--epochs ", opts.epochs, ": the checkpoint in ", run.dir, " has already run ", out.epochs, " epochs");

  const auto batches = epoch_batches(D, batch_size);
  if (D % batch_size == 1 && D > batch_size)
    spdlog::info("{} documents, batch size {}: the last document of each epoch joins the batch before it "
                 "(a batch of one document has no BatchNorm statistics)", D, batch_size);
  BatchStager stager;
  // Checkpoints: after an epoch once run.checkpoint_every seconds have passed, after the last
  // epoch, and before a stop between epochs (so that only a stop inside an epoch loses work).
  int64_t checkpointed = out.epochs;
  auto last_save = std::chrono::steady_clock::now();
  auto checkpoint = [&] {
    save_checkpoint(ckpt, model, adam, shuffle_gen, noise_gen, run.identity, out);
    checkpointed = out.epochs;
    last_save = std::chrono::steady_clock::now();
  };
  double last_finite = std::nan("");
  int64_t last_finite_epoch = 0, last_finite_batch = 0;
  for (int64_t epoch = out.epochs + 1; epoch <= opts.epochs; ++epoch) {
    // A stop between epochs: checkpoint first (before this epoch's shuffle draws from shuffle_gen).
    if (stop_requested() && checkpointed < out.epochs) checkpoint();
    const auto t0 = std::chrono::steady_clock::now();
    model.set_training(true);
    auto perm = shuffle ? torch::randperm(D, shuffle_gen, torch::TensorOptions().dtype(torch::kInt64))
                        : torch::arange(D, torch::kInt64);  // [D]
    double loss_sum = 0.0;
    int64_t batch_index = 0;
    for (const auto& [b, e] : batches) {
      stop_if_requested(run, epoch - 1, checkpointed);
      auto rows = perm.slice(0, b, e);
      Batch batch = stager.gather(data, rows, run.device);
      adam.zero_grad();
      model.batch_norm_running_stats(e - b == 1);
      auto loss = model.loss(batch, noise_gen);
      const double value = loss.item<double>();
      if (!std::isfinite(value)) {
        std::ostringstream last;
        if (std::isnan(last_finite)) last << "none";
        else last << last_finite << " (epoch " << last_finite_epoch << ", batch " << last_finite_batch << ")";
        input_error("training diverged: the loss is ", value, " at epoch ", epoch, ", batch ", batch_index + 1,
                    " (seed ", run.seed, "); last finite batch loss: ", last.str(),
                    ". Lower --lr, check the label store with `ntm check-labels`, or resume from the last "
                    "checkpoint in ", run.dir, " with --resume");
      }
      last_finite = value;
      last_finite_epoch = epoch;
      last_finite_batch = batch_index + 1;
      loss.backward();
      adam.step();
      // Per-document epoch loss: a batch-mean loss counts once per document of its batch.
      loss_sum += model.loss_is_batch_mean() ? value * static_cast<double>(rows.size(0)) : value;
      ++batch_index;
    }
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    out.epochs = epoch;
    out.final_loss = loss_sum / static_cast<double>(D);
    nlohmann::json rec = {{"epoch", epoch},
                          {"loss", out.final_loss},
                          {"seconds", secs},
                          {"docs_per_s", static_cast<double>(D) / std::max(secs, 1e-9)}};
    out.metrics.push_back(rec);
    spdlog::info("seed {} epoch {}/{}: loss {:.4f}, {:.0f} docs/s", run.seed, epoch, opts.epochs, out.final_loss,
                 rec["docs_per_s"].get<double>());
    const double since_save = std::chrono::duration<double>(std::chrono::steady_clock::now() - last_save).count();
    if (epoch == opts.epochs || since_save >= run.checkpoint_every) checkpoint();
    write_metrics(metrics_path, out.metrics);
    fault_epoch_hooks(epoch);
  }
  stop_if_requested(run, out.epochs, checkpointed);
  if (opts.epochs == 0 || out.metrics.empty()) write_metrics(metrics_path, out.metrics);
  return out;
}

at::Tensor compute_theta(TopicModel& model, const TrainData& data, ThetaMode mode, int64_t samples,
                         int64_t batch_size, c10::Device device, at::Generator& noise_gen) {
  torch::NoGradGuard no_grad;
  model.set_training(false);
  const int64_t D = data.num_docs;
  if (batch_size <= 0) batch_size = D;  // 0: all documents in one pass
  auto sum = torch::zeros({D, model.num_topics()}, torch::kFloat64);  // [D, K]
  const int64_t passes = mode == ThetaMode::kMean ? 1 : samples;
  BatchStager stager;
  for (int64_t s = 0; s < passes; ++s) {
    for (int64_t b = 0; b < D; b += batch_size) {
      throw_if_stop_requested("train/infer (computing theta)");
      const int64_t e = std::min(D, b + batch_size);
      auto rows = torch::arange(b, e, torch::kInt64);
      Batch batch = stager.gather(data, rows, device);
      sum.slice(0, b, e) += model.theta(batch, mode, noise_gen).to(torch::kCPU, torch::kFloat64);
    }
  }
  return (sum / static_cast<double>(passes)).to(torch::kFloat32).contiguous();
}

}  // namespace ntm::topic
