// Checkpoint-folder symlink policy (see ntm/util/symlinks.h).
#include "ntm/util/symlinks.h"

#include <climits>
#include <cstdlib>
#include <cstring>

#include "ntm/error.h"

namespace ntm {
namespace {

bool g_allow = false;

std::string real_path(const std::string& p) {
  char buf[PATH_MAX];
  if (!::realpath(p.c_str(), buf)) return "";
  return buf;
}

bool is_under(const std::string& path, const std::string& root) {
  if (root.empty()) return false;
  if (root == "/") return true;
  return path.size() > root.size() && path.compare(0, root.size(), root) == 0 && path[root.size()] == '/';
}

std::string parent(const std::string& p) {
  size_t s = p.find_last_of('/');
  return s == std::string::npos || s == 0 ? "/" : p.substr(0, s);
}

std::string base(const std::string& p) {
  size_t s = p.find_last_of('/');
  return s == std::string::npos ? p : p.substr(s + 1);
}

}  // namespace

void set_allow_external_symlinks(bool allow) { g_allow = allow; }

bool allow_external_symlinks() {
  if (g_allow) return true;
  const char* env = std::getenv("NTM_ALLOW_EXTERNAL_SYMLINKS");
  return env && std::strcmp(env, "1") == 0;
}

void check_inside_model_dir(const std::string& dir, const std::string& path) {
  const std::string target = real_path(path);
  if (target.empty()) return;
  const std::string root = real_path(dir);
  if (is_under(target, root)) return;
  // Hugging Face hub cache: <repo>/snapshots/<rev>/<file> -> <repo>/blobs/<sha>. The snapshot
  // folder itself is taken as written (not resolved), since the cache never links it.
  std::string snapshot = dir;
  while (snapshot.size() > 1 && snapshot.back() == '/') snapshot.pop_back();
  if (base(parent(snapshot)) == "snapshots" && is_under(target, real_path(parent(parent(snapshot)) + "/blobs"))) return;
  if (allow_external_symlinks()) return;
  input_error(path, ": is a symlink to '", target, "' outside the model folder '", dir,
              "'; copy the file into the folder, or pass --allow-external-symlinks (or set "
              "NTM_ALLOW_EXTERNAL_SYMLINKS=1) if you trust it");
}

}  // namespace ntm
