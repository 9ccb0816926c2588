// Request parameters (params.hpp).
#include "oauth/params.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace tessera::oauth {

Result<void> check_no_repeats(const Params& params) {
  std::vector<std::string_view> names;
  names.reserve(params.size());
  for (const auto& p : params) names.emplace_back(p.first);
  std::sort(names.begin(), names.end());
  const auto dup = std::adjacent_find(names.begin(), names.end());
  if (dup != names.end()) return fail(Errc::invalid_request, "parameter " + std::string(*dup) + " repeated");
  return {};
}

std::size_t count_param(const Params& params, std::string_view name) {
  return static_cast<std::size_t>(
      std::count_if(params.begin(), params.end(), [&](const auto& p) { return p.first == name; }));
}

std::optional<std::string_view> param(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) {
      if (v.empty()) return std::nullopt;
      return std::string_view(v);
    }
  }
  return std::nullopt;
}

}  // namespace tessera::oauth
