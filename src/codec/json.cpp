// Strict JSON parsing (see json.hpp): Boost.JSON's basic_parser driven by a handler that
// builds the value with a value_stack and counts member names, to find repeated ones.
#include "codec/json.hpp"


#include <boost/json/basic_parser_impl.hpp>

namespace tessera::codec {
namespace json = boost::json;
namespace {

// Boost.JSON keeps the last of repeated member names when it builds an object. So the handler
// counts every member name it reads, and after the parse the members of the built document
// are counted again: any difference is a name that was repeated. No per-name storage, and
// linear in the input however hostile it is.
std::size_t count_members(const json::value& v) {
  std::size_t n = 0;
  if (v.is_object()) {
    n += v.get_object().size();
    for (const auto& m : v.get_object()) n += count_members(m.value());
  } else if (v.is_array()) {
    for (const auto& e : v.get_array()) n += count_members(e);
  }
  return n;  // recursion depth is bounded by the parser's max_depth
}

struct StrictHandler {
  static constexpr std::size_t max_object_size = json::object::max_size();
  static constexpr std::size_t max_array_size = json::array::max_size();
  static constexpr std::size_t max_key_size = json::string::max_size();
  static constexpr std::size_t max_string_size = json::string::max_size();

  json::value_stack st;
  std::size_t members = 0;

  StrictHandler(json::storage_ptr sp, unsigned char* temp, std::size_t temp_size) : st({}, temp, temp_size) {
    st.reset(std::move(sp));
  }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) { return true; }
  bool on_object_end(std::size_t n, json::error_code&) {
    members += n;
    st.push_object(n);
    return true;
  }
  bool on_array_begin(json::error_code&) { return true; }
  bool on_array_end(std::size_t n, json::error_code&) {
    st.push_array(n);
    return true;
  }
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    st.push_chars(s);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
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
    unsigned char temp[2048];  // the parser's working stack, on ours for small documents
    json::basic_parser<StrictHandler> p(opt, std::move(sp), temp, sizeof temp);
    json::error_code ec;
    const std::size_t used = p.write_some(false, text.data(), text.size(), ec);
    if (ec == json::error::too_deep) return fail(Errc::json_too_deep, "JSON nested too deeply");
    if (ec || used != text.size() || !p.done()) return fail(Errc::malformed, "invalid JSON");
    json::value v = p.handler().st.release();
    if (count_members(v) != p.handler().members)
      return fail(Errc::duplicate_member, "JSON object with a repeated member name");
    return v;
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

Result<std::int64_t> numeric_date(const json::value& v, std::string_view name) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<std::uint64_t>(INT64_MAX))
      return fail(Errc::wrong_type, std::string(name) + " is out of range");
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    const double d = v.get_double();
    // NumericDate may be a non-integer; we take the integer part of finite values in range.
    if (!(d >= -9.2e18 && d <= 9.2e18)) return fail(Errc::wrong_type, std::string(name) + " is out of range");
    return static_cast<std::int64_t>(d);
  }
  return fail(Errc::wrong_type, std::string(name) + " is not a number");
}

Result<std::optional<std::int64_t>> get_int(const json::object& o, std::string_view name) {
  const auto* v = o.if_contains(name);
  if (!v) return std::optional<std::int64_t>{};
  auto n = numeric_date(*v, name);
  if (!n) return std::unexpected(std::move(n.error()));
  return std::optional<std::int64_t>{*n};
}

std::string to_json(const json::value& v) { return json::serialize(v); }

}  // namespace tessera::codec
