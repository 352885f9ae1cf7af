#include "ntm/util/output.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ntm/error.h"
#include "ntm/util/fs.h"

namespace fs = std::filesystem;

namespace ntm {

namespace {

struct Kind {
  const char* format;
  const char* description;
};
const Kind kKinds[] = {
    {"ntm-label-store", "a label store (ntm build-labels / merge-labels)"},
    {"ntm-run-set", "a training run (ntm train)"},
    {"ntm-run", "one seed of a training run (ntm train)"},
    {"ntm-eval", "an evaluation (ntm eval)"},
    {"ntm-eval-dir", "an evaluation by an older ntm (remove it to re-evaluate)"},
    {"ntm-vocab", "a vocabulary (ntm vocab)"},
    {"ntm-theta", "a theta file (ntm infer / train)"},
    {"ntm-beta", "a beta file (ntm train)"},
    {"ntm-model", "model weights (ntm train)"},
    {"ntm-topics", "a topics file (ntm train)"},
    {"ntm-lm-run", "LM outputs (ntm lm-run)"},
};

// The files of a directory, for the refusal message: "holds a.txt, b.tsv and 3 more".
std::string listing(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  size_t n = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (n++ < 3) names.push_back(e.path().filename().string());
  }
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  if (n > names.size()) s += " and " + std::to_string(n - names.size()) + " more";
  return s;
}

bool same_file(const std::string& a, const std::string& b) {
  std::error_code ec;
  if (!fs::exists(a, ec) || !fs::exists(b, ec)) return fs::weakly_canonical(a, ec) == fs::weakly_canonical(b, ec);
  return fs::equivalent(a, b, ec);
}

}  // namespace

std::string describe_format(const std::string& format) {
  for (const auto& k : kKinds)
    if (format == k.format) return k.description;
  return "an ntm '" + format + "' output";
}

std::string output_dir_format(const std::string& dir) {
  std::string head = file_format(path_join(dir, "meta.json"));
  return head;
}

std::string file_format(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  char buf[4096];
  in.read(buf, sizeof buf);
  const std::string head(buf, static_cast<size_t>(in.gcount()));
  // JSON written by ntm: an object with a top-level "format" string. The parser stops at the first
  // error, so a JSONL corpus (also starting with '{') is not read past its first line.
  const size_t first = head.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && head[first] == '{') {
    std::error_code ec;
    if (fs::file_size(path, ec) > (uint64_t{1} << 28)) return "";
    in.clear();
    in.seekg(0);
    auto j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
    return j.is_object() && j.contains("format") && j["format"].is_string() ? j["format"].get<std::string>() : "";
  }
  // safetensors: u64 little-endian header length, then the JSON header with __metadata__.format.
  if (head.size() < 10 || head[8] != '{') return "";
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | static_cast<unsigned char>(head[static_cast<size_t>(i)]);
  if (n < 2 || n > (uint64_t{1} << 26)) return "";
  std::string header(n, '\0');
  in.clear();
  in.seekg(8);
  if (!in.read(header.data(), static_cast<std::streamsize>(n))) return "";
  auto j = nlohmann::json::parse(header, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("__metadata__") || !j["__metadata__"].is_object()) return "";
  const auto& md = j["__metadata__"];
  return md.contains("format") && md["format"].is_string() ? md["format"].get<std::string>() : "";
}

OutputLock::~OutputLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

OutputLock& OutputLock::operator=(OutputLock&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(o.fd_, -1);
  }
  return *this;
}

OutputLock lock_output_dir(const std::string& dir) {
  OutputLock lock;
  lock.fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (lock.fd_ < 0) input_error(dir, ": cannot open the output directory (", std::strerror(errno), ")");
  if (::flock(lock.fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      input_error(dir, ": another ntm process is writing this directory right now; wait for it to finish "
                  "or choose another --out");
    input_error(dir, ": cannot lock the output directory (", std::strerror(errno), ")");
  }
  return lock;
}

OutputLock claim_output_dir(const std::string& dir, const std::string& format, bool reuse_own,
                            const std::string& reuse_hint) {
  if (dir.empty()) usage_error("--out: an output directory is required");
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    input_error(dir, ": exists and is not a directory (", describe_format(file_format(dir)),
                "); choose another --out directory");
  // Checked before anything is created in it, and again under the lock (another process may have
  // written it in between).
  auto check = [&] {
    if (!fs::exists(dir, ec) || fs::is_empty(dir, ec)) return;
    if (!fs::exists(path_join(dir, "meta.json"), ec))
      input_error(dir, ": is not empty (holds ", listing(dir), ") and was not written by ntm (no meta.json); "
                  "refusing to write into it — choose a new --out directory");
    const std::string found = output_dir_format(dir);
    if (found != format)
      input_error(dir, ": holds ", found.empty() ? "an unreadable meta.json" : describe_format(found),
                  ", not ", describe_format(format), "; refusing to overwrite it — choose another --out directory");
    if (!reuse_own) input_error(dir, ": already holds ", describe_format(format), "; ", reuse_hint);
  };
  check();
  make_dirs(dir);
  OutputLock lock = lock_output_dir(dir);
  check();
  return lock;
}

void check_output_file(const std::string& path, const std::string& format,
                       const std::vector<std::pair<std::string, std::string>>& inputs, bool force,
                       const std::string& flag) {
  if (path.empty()) usage_error(flag, ": an output file is required");
  for (const auto& [in_flag, in_path] : inputs)
    if (!in_path.empty() && same_file(path, in_path))
      usage_error(flag, " ", path, " is also the input ", in_flag, "; a command never writes over its own input — "
                  "choose another ", flag);
  std::error_code ec;
  if (fs::is_directory(path, ec)) usage_error(flag, " ", path, " is a directory; name the file to write");
  fs::path parent = fs::path(path).parent_path();
  if (parent.empty()) parent = ".";
  const std::string owner = output_dir_format(parent.string());
  if (!owner.empty() && !force)
    input_error(flag, " ", path, ": its folder ", parent.string(), " holds ", describe_format(owner),
                "; ntm does not add files to another command's output — choose another ", flag,
                " (or pass --force)");
  if (!fs::exists(path, ec) || force) return;
  const std::string found = file_format(path);
  if (found == format) return;  // this command's own output: replaced, as documented
  input_error(flag, " ", path, ": exists and holds ",
              found.empty() ? std::string("a file ntm did not write") : describe_format(found), ", not ",
              describe_format(format), "; refusing to overwrite it — choose another ", flag,
              " or pass --force to replace it");
}

}  // namespace ntm
