// Router (server/router.hpp).
#include "server/router.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace tessera::server {
namespace {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 1;  // after the leading '/'
  while (true) {
    const auto slash = path.find('/', pos);
    out.emplace_back(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

bool is_tail(std::string_view segment) { return is_param(segment) && segment.ends_with("...}"); }

// The segments a route fixes (all but a trailing "{name...}").
std::size_t fixed_segments(const std::vector<std::string>& segments) {
  return !segments.empty() && is_tail(segments.back()) ? segments.size() - 1 : segments.size();
}

}  // namespace

void Router::add(http::verb method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(handler)});
}

Router::Match Router::match(http::verb method, std::string_view target) const {
  Match out;
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return out;
  const auto segments = split_path(path);

  // Specificity: a bit per segment, set for literals, earlier segments higher.
  auto score = [](const Route& r) {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < r.segments.size() && i < 63; ++i)
      s |= static_cast<std::uint64_t>(!is_param(r.segments[i])) << (62 - i);
    return s;
  };
  const Route* best_path = nullptr;    // best pattern matching the path, any method
  const Route* best_method = nullptr;  // best pattern matching path and method
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    const std::size_t fixed = fixed_segments(r.segments);
    if (fixed == r.segments.size() ? segments.size() != fixed : segments.size() < fixed) continue;
    bool ok = true;
    for (std::size_t i = 0; ok && i < fixed; ++i)
      ok = is_param(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
    if (!ok) continue;
    if (!best_path || score(r) > score(*best_path)) best_path = &r;
    if (r.method == method && (!best_method || score(r) > score(*best_method))) best_method = &r;
    const std::string name(http::to_string(r.method));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) allowed.push_back(name);
  }
  if (best_method) {
    out.kind = Match::Kind::found;
    out.handler = &best_method->handler;
    out.pattern = best_method->pattern;
    const std::size_t fixed = fixed_segments(best_method->segments);
    for (std::size_t i = 0; i < fixed; ++i)
      if (is_param(best_method->segments[i])) out.params.push_back(segments[i]);
    if (fixed < best_method->segments.size()) {
      std::string rest;
      for (std::size_t i = fixed; i < segments.size(); ++i) rest += (i == fixed ? "" : "/") + segments[i];
      out.params.push_back(std::move(rest));
    }
    return out;
  }
  if (best_path) {
    out.kind = Match::Kind::method_not_allowed;
    out.pattern = best_path->pattern;
    std::sort(allowed.begin(), allowed.end());
    for (const auto& a : allowed) {
      if (!out.allow.empty()) out.allow += ", ";
      out.allow += a;
    }
  }
  return out;
}

std::vector<std::string> Router::patterns() const {
  std::vector<std::string> out;
  for (const auto& r : routes_)
    if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
  return out;
}

}  // namespace tessera::server
