#pragma once
// ntm version and the format versions of every artifact ntm writes. Bump a format version
// whenever a reader of the previous version would misread the new files.
#include <string>

namespace ntm {

std::string version();  // "0.1.0"

constexpr int kVocabFormatVersion = 1;
constexpr int kLabelStoreFormatVersion = 1;
constexpr int kRunFormatVersion = 1;
constexpr int kEvalFormatVersion = 1;

}  // namespace ntm
