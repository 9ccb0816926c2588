// Request body parsing (server/request_body.hpp).
#include "server/request_body.hpp"

#include <algorithm>
#include <optional>

#include <boost/url/parse_query.hpp>

#include "tessera/json.hpp"

namespace tessera::server {
namespace {
constexpr std::size_t kMaxBodyDepth = 8;
}  // namespace

std::expected<std::vector<std::string>, BodyRefusal> parse_body_fields(std::string_view type, std::string_view body,
                                                                       const std::vector<std::string_view>& names,
                                                                       bool allow_form, std::size_t max_body_bytes) {
  auto malformed = [](std::string why) { return std::unexpected(BodyRefusal{false, std::move(why)}); };
  std::vector<std::string> out;
  if (type == "application/json") {
    codec::JsonLimits limits;
    limits.max_bytes = std::max<std::size_t>(max_body_bytes, 1);
    limits.max_depth = kMaxBodyDepth;
    auto obj = codec::parse_json_object(body, limits);
    if (!obj) return malformed("the body is not a JSON object");
    for (auto name : names) {
      auto v = codec::get_string(*obj, name);
      if (!v || !*v) return malformed("member \"" + std::string(name) + "\" missing or not a string");
      out.emplace_back(**v);
    }
    return out;
  }
  if (allow_form && type == "application/x-www-form-urlencoded") {
    // Boost.URL 1.81's parse_query runs strlen on its input's data (found by fuzz/body_fuzz.cpp:
    // a read past the end of a view that is not NUL-terminated): give it a NUL-terminated copy.
    const std::string form(body);
    auto params = boost::urls::parse_query(form);
    if (!params) return malformed("the body is not a valid form");
    boost::urls::encoding_opts opts;
    opts.space_as_plus = true;
    std::vector<std::optional<std::string>> found(names.size());
    for (auto p : *params) {
      const std::string key = p.key.decode(opts);
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (key != names[i]) continue;
        if (found[i]) return malformed("field \"" + key + "\" given twice");
        found[i] = p.has_value ? p.value.decode(opts) : std::string();
      }
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!found[i]) return malformed("field \"" + std::string(names[i]) + "\" missing");
      out.push_back(std::move(*found[i]));
    }
    return out;
  }
  if (type.empty() && body.empty()) return malformed("the request has no body");
  return std::unexpected(BodyRefusal{true, allow_form ? "send application/json or application/x-www-form-urlencoded"
                                                      : "send application/json"});
}

}  // namespace tessera::server
