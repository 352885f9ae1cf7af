#pragma once
// meta.json: the identity card of every directory ntm writes (label store, run, eval).
//
// Every meta.json is a JSON object with at least
//   "format"          e.g. "ntm-label-store", "ntm-run", "ntm-eval"
//   "format_version"  integer >= 1, bumped when older readers would misread the directory
//   "ntm_version"     version of the ntm that wrote it
//   "config"          the resolved configuration of the producing command
//   "inputs"          identities (sha256 hashes) of what it was built from: {"vocab": "3f2a..", ...}
// plus format-specific keys. It is written atomically, so a reader sees the old or the new
// version, never a mix. Loaders call read_meta() and check_input_identity(), which explain a
// mismatch and name the command that fixes it.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ntm {

// Writes <dir>/meta.json atomically. `extra` keys are merged at the top level (they may not
// override the five standard keys).
void write_meta(const std::string& dir, const std::string& format, int format_version,
                const nlohmann::json& config, const nlohmann::json& inputs,
                const nlohmann::json& extra = nlohmann::json::object());

// Checks the standard keys of an already parsed meta object. `where` names the directory or
// file in messages. input_error (one line) when the format differs, the version is newer than
// `max_version` ("upgrade ntm") or a key is missing / of the wrong type.
void check_format(const nlohmann::json& meta, const std::string& where, const std::string& expected_format,
                  int max_version);

// Reads <dir>/meta.json and check_format()s it. Errors explain: a missing directory, a directory
// without meta.json (not written by ntm), a different artifact kind, a newer format version.
nlohmann::json read_meta(const std::string& dir, const std::string& expected_format, int max_version);

// A shortened hash for messages: the first 8 hex digits followed by "…" ("3f2a01bc…").
std::string short_hash(const std::string& hash);

// input_error when expected != found, e.g.
//   "labels were built with vocab 3f2a01bc…; this run uses 91c0d2e4… — re-run `ntm build-labels --vocab …`"
// `what` is the sentence subject ("labels were built with vocab"), `fix_command` the command line.
void check_input_identity(const std::string& what, const std::string& expected_hash, const std::string& found_hash,
                          const std::string& fix_command);

// The first key path at which two JSON values differ ("config.num_topics", "lm.sha256",
// "chunks[2]"); "" when they are equal. Keys present on one side only are skipped (an older ntm
// did not record them), so this compares what both recorded.
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& prefix = "");

// "config.num_topics is 5 in X, 7 now" for messages: the key and both values (shortened).
std::string describe_difference(const nlohmann::json& recorded, const nlohmann::json& now, const std::string& key_path,
                                const std::string& where);

// Compares two identity records of an input (an LM, a corpus, a prompt) by content: by their
// "sha256" when both have one, else by every key except where the input lay ("path", "file"), so
// `tiny-lm`, `tiny-lm/` and an absolute path are the same input. Returns the first differing key
// path ("" = same).
std::string identity_difference(const nlohmann::json& a, const nlohmann::json& b);

// An input that differs from what an output was built from (`field`: "corpus", "lm", ...).
// input_error "<where>: <field> differs: <detail>; ... pass --allow-mismatch <field>" unless
// `allowed` (the --allow-mismatch values) lists the field; then a warning.
void report_mismatch(const std::string& where, const std::string& field, const std::string& detail,
                     const std::vector<std::string>& allowed);
// usage_error when --allow-mismatch names a field the command does not check.
void check_allow_mismatch(const std::vector<std::string>& allowed, const std::vector<std::string>& fields);

}  // namespace ntm
