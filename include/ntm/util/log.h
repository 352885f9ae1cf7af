#pragma once
// Logging setup. Library code logs through spdlog directly (src/ only); this header keeps
// spdlog out of the public interface.
#include <string>

namespace ntm {

// level: trace|debug|info|warn|error|off. Empty = $NTM_LOG_LEVEL or "info".
// Logs go to stderr; results go to stdout or files, never mixed with logs.
void init_logging(const std::string& level, const std::string& log_file = "");

// Plain logging entry points for code that must not include spdlog (apps, tests).
void log_info(const std::string& message);
void log_warn(const std::string& message);
void log_debug(const std::string& message);

}  // namespace ntm
