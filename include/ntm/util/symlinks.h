#pragma once
// Symlink policy for files read from a model (checkpoint) folder: config.json, tokenizer files,
// safetensors shards and their index. A file is used only when its real path (all symlinks
// resolved) lies inside the folder's real path — or, for the Hugging Face hub cache layout
// (<repo>/snapshots/<rev>/file -> ../../blobs/<sha>), inside that repo's blobs/ folder.
// Anything else is refused with an input_error unless external symlinks were allowed with the
// global flag --allow-external-symlinks or NTM_ALLOW_EXTERNAL_SYMLINKS=1.
#include <string>

namespace ntm {

void set_allow_external_symlinks(bool allow);
// The flag, or NTM_ALLOW_EXTERNAL_SYMLINKS=1 in the environment.
bool allow_external_symlinks();
// input_error when `path` (a file named inside `dir`) resolves outside `dir` (see above).
// Nonexistent paths pass (the caller reports them).
void check_inside_model_dir(const std::string& dir, const std::string& path);

}  // namespace ntm
