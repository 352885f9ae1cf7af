#pragma once
// Output ownership: which ntm command's output a directory or a file holds, who may write it, and
// the lock that keeps two commands from writing one output at the same time (docs/artifacts.md).
//
// A directory belongs to the kind named by the "format" of its meta.json ("ntm-label-store",
// "ntm-run-set", "ntm-eval", ...). A file belongs to the kind named by its header: the "format"
// key at the top of a JSON file, or "format" in a safetensors file's __metadata__. Every command
// claims its output through these two functions, so the rules are the same everywhere.
#include <string>
#include <utility>
#include <vector>

namespace ntm {

// "a label store (ntm build-labels)" for "ntm-label-store"; the format itself when unknown.
std::string describe_format(const std::string& format);

// The "format" of <dir>/meta.json; "" when there is none or it cannot be read.
std::string output_dir_format(const std::string& dir);
// The format a file declares in its header (see above); "" for anything else (a corpus, notes).
std::string file_format(const std::string& path);

// An exclusive flock on an output directory, held while a command writes it. The kernel releases
// it when the process ends, however it ends (SIGKILL included), so a lock never stays stuck and no
// lock file is left behind.
class OutputLock {
 public:
  OutputLock() = default;
  ~OutputLock();
  OutputLock(OutputLock&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  OutputLock& operator=(OutputLock&& o) noexcept;
  OutputLock(const OutputLock&) = delete;
  OutputLock& operator=(const OutputLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  friend OutputLock lock_output_dir(const std::string& dir);
  int fd_ = -1;
};

// Locks an existing directory; input_error naming it when another process holds the lock.
OutputLock lock_output_dir(const std::string& dir);

// Claims `dir` for a command writing `format`: creates it when missing and locks it. A non-empty
// directory is refused (input_error, one line naming it and what it holds) when it has no
// meta.json, when its meta.json names another format, or when it already holds `format` and
// `reuse_own` is false (`reuse_hint` then says which flag allows it, e.g. "pass --resume ...").
OutputLock claim_output_dir(const std::string& dir, const std::string& format, bool reuse_own,
                            const std::string& reuse_hint);

// A single-file output. Refused: a path that is one of `inputs` (flag, path) of the command, a
// directory, a file inside a directory another command owns (one with a meta.json), and — unless
// `force` — an existing file whose header does not declare `format` (a file this command did not
// write). `flag` names the option in messages ("--out").
void check_output_file(const std::string& path, const std::string& format,
                       const std::vector<std::pair<std::string, std::string>>& inputs, bool force,
                       const std::string& flag = "--out");

}  // namespace ntm
