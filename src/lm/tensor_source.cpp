// TensorSource for Hugging Face checkpoint folders, and the dispatch on the model path.
#include "lm/tensor_source.h"

#include "lm/gguf_model.h"
#include "ntm/io/gguf.h"
#include "ntm/io/safetensors.h"
#include "ntm/util/fs.h"

namespace ntm::lm {
namespace {

class CheckpointSource : public TensorSource {
 public:
  explicit CheckpointSource(const std::string& dir) : dir_(dir), ckpt_(dir) {}
  bool contains(const std::string& name) const override { return ckpt_.contains(name); }
  std::vector<int64_t> shape(const std::string& name) const override { return ckpt_.info(name).shape; }
  std::string dtype_name(const std::string& name) const override {
    return st::dtype_name(ckpt_.info(name).dtype);
  }
  bool weight_dtype_ok(const std::string& name) const override {
    auto d = ckpt_.info(name).dtype;
    return d == st::DType::kF32 || d == st::DType::kBF16 || d == st::DType::kF16;
  }
  at::Tensor tensor(const std::string& name) const override { return ckpt_.tensor(name); }
  bool views_file() const override { return true; }
  std::vector<std::string> names() const override { return ckpt_.names(); }
  const std::string& where() const override { return dir_; }

 private:
  std::string dir_;
  st::Checkpoint ckpt_;
};

}  // namespace

void TensorSource::read_into(const std::string& name, at::Tensor& dst) const {
  dst.copy_(tensor(name));
}

bool is_gguf_model(const std::string& model) {
  return !is_directory(model) && gguf::is_gguf_file(model);
}

std::unique_ptr<TensorSource> open_tensor_source(const std::string& model) {
  if (is_gguf_model(model)) return gguf_tensor_source(gguf::File::open(model));
  return std::make_unique<CheckpointSource>(model);
}

}  // namespace ntm::lm
