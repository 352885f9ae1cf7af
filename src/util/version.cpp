#include "ntm/version.h"

#include "ntm_build_info.h"

namespace ntm {
std::string version() { return NTM_VERSION_STRING; }
}  // namespace ntm
