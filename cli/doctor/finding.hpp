// A finding of `tessera doctor` (docs/doctor.md): how bad, which rule, what was seen, and the
// fix. The rules live in config_rules.cpp, key_rules.cpp and url_rules.cpp.
// Thread safety: plain values.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tessera::cli::doctor {

enum class Severity { info, warning, error };

struct Finding {
  Severity severity = Severity::info;
  std::string rule;  // stable id: "tls", "public_origin", "session_timeouts", ...
  std::string what;  // what was seen
  std::string fix;   // what to do ("" for an info that needs nothing)
};

using Findings = std::vector<Finding>;

inline std::string_view name_of(Severity s) {
  switch (s) {
    case Severity::info: return "info";
    case Severity::warning: return "warning";
    case Severity::error: return "error";
  }
  return "";
}

inline void add(Findings& out, Severity s, std::string rule, std::string what, std::string fix = {}) {
  out.push_back({s, std::move(rule), std::move(what), std::move(fix)});
}

inline bool has_error(const Findings& f) {
  for (const auto& x : f)
    if (x.severity == Severity::error) return true;
  return false;
}

// Whether an http(s) URL or origin names a loopback host (127.0.0.0/8, [::1], localhost).
bool is_loopback_url(std::string_view url);

}  // namespace tessera::cli::doctor
