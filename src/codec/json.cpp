// Strict JSON parsing (see json.hpp): Boost.JSON's basic_parser driven by a handler that
// builds the value with a value_stack and rejects duplicate member names while it goes.
#include "codec/json.hpp"

#include <memory>
#include <unordered_set>
#include <vector>

#include <boost/json/basic_parser_impl.hpp>

namespace tessera::codec {
namespace json = boost::json;
namespace {

// Member names seen in one open object. Small objects scan linearly; large ones move to a
// hash set, so a hostile token with thousands of members stays linear.
struct ObjectFrame {
  std::vector<std::string> names;
  std::unique_ptr<std::unordered_set<std::string>> set;

  bool insert(std::string name) {
    constexpr std::size_t kLinearLimit = 24;
    if (set) return set->insert(std::move(name)).second;
    for (const auto& n : names)
      if (n == name) return false;
    names.push_back(std::move(name));
    if (names.size() > kLinearLimit) {
      set = std::make_unique<std::unordered_set<std::string>>(std::make_move_iterator(names.begin()),
                                                              std::make_move_iterator(names.end()));
      names.clear();
    }
    return true;
  }
};

struct StrictHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::vector<ObjectFrame> frames;
  std::string pending_key;
  bool duplicate = false;

  explicit StrictHandler(json::storage_ptr sp) { st.reset(std::move(sp)); }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    frames.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t n, json::error_code&) {
    frames.pop_back();
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    pending_key.append(s.data(), s.size());
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    std::string name = std::move(pending_key);
    pending_key.clear();
    name.append(s.data(), s.size());
    if (!frames.back().insert(std::move(name))) {
      duplicate = true;
      ec = json::error::syntax;  // stops the parser; reported as duplicate_member below
      return false;
    }
    st.push_key(s);
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    st.push_string(s);
    return true;
  }
  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t i, json::string_view, json::error_code&) {
    st.push_int64(i);
    return true;
  }
  bool on_uint64(std::uint64_t u, json::string_view, json::error_code&) {
    st.push_uint64(u);
    return true;
  }
  bool on_double(double d, json::string_view, json::error_code&) {
    st.push_double(d);
    return true;
  }
  bool on_bool(bool b, json::error_code&) {
    st.push_bool(b);
    return true;
  }
  bool on_null(json::error_code&) {
    st.push_null();
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

}  // namespace

Result<json::value> parse_json(std::string_view text, const JsonLimits& limits, json::storage_ptr sp) {
  if (text.size() > limits.max_bytes) return fail(Errc::token_too_large, "JSON text over the size limit");
  json::parse_options opt;
  opt.max_depth = limits.max_depth;
  try {
    json::basic_parser<StrictHandler> p(opt, std::move(sp));
    json::error_code ec;
    const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (p.handler().duplicate) return fail(Errc::duplicate_member, "JSON object with a repeated member name");
    if (ec == json::error::too_deep) return fail(Errc::json_too_deep, "JSON nested too deeply");
    if (ec || used != text.size() || !p.done()) return fail(Errc::malformed, "invalid JSON");
    return p.handler().st.release();
  } catch (const std::exception&) {
    return fail(Errc::malformed, "invalid JSON");
  }
}

Result<json::object> parse_json_object(std::string_view text, const JsonLimits& limits, json::storage_ptr sp) {
  auto v = parse_json(text, limits, std::move(sp));
  if (!v) return std::unexpected(std::move(v.error()));
  if (!v->is_object()) return fail(Errc::wrong_type, "JSON text is not an object");
  return std::move(v->get_object());
}

Result<std::optional<std::string_view>> get_string(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v) return std::optional<std::string_view>{};
  if (!v->is_string()) return fail(Errc::wrong_type, std::string(name) + " is not a string");
  const auto& s = v->get_string();
  return std::optional<std::string_view>{std::string_view(s.data(), s.size())};
}

Result<std::optional<std::int64_t>> get_int(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v) return std::optional<std::int64_t>{};
  if (v->is_int64()) return std::optional<std::int64_t>{v->get_int64()};
  if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(INT64_MAX))
      return fail(Errc::wrong_type, std::string(name) + " is out of range");
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v->get_uint64())};
  }
  if (v->is_double()) {
    const double d = v->get_double();
    // NumericDate may be a non-integer; we take the integer part of finite values in range.
    if (!(d >= -9.2e18 && d <= 9.2e18)) return fail(Errc::wrong_type, std::string(name) + " is out of range");
    return std::optional<std::int64_t>{static_cast<std::int64_t>(d)};
  }
  return fail(Errc::wrong_type, std::string(name) + " is not a number");
}

std::string to_json(const json::value& v) { return json::serialize(v); }

}  // namespace tessera::codec
