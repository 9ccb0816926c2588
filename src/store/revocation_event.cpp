// The revocation event's JSON form (tessera/revocation_log.hpp), the seq cursors of the memory
// and SQLite logs, and open_revocation_log().
// Thread safety: pure functions.
#include <charconv>
#include <chrono>

#include <boost/json.hpp>

#include "codec/json.hpp"
#include "store/revocation_logs.hpp"

namespace tessera {

std::string to_json(const RevocationEvent& e) {
  boost::json::object o;
  switch (e.type) {
    case RevocationEvent::Type::jti:
      o["type"] = "jti";
      o["jti"] = e.jti;
      o["exp"] = e.exp;
      break;
    case RevocationEvent::Type::subject:
      o["type"] = "subject";
      o["sub"] = e.sub;
      o["not_before"] = e.not_before;
      break;
    case RevocationEvent::Type::grant:
      o["type"] = "grant";
      o["grant"] = e.grant;
      o["sub"] = e.sub;
      break;
  }
  return boost::json::serialize(o);
}

namespace {

Result<std::string> member_string(const boost::json::object& o, std::string_view name) {
  auto v = codec::get_string(o, name);
  if (!v) return std::unexpected(std::move(v.error()));
  if (!*v || (*v)->empty()) return fail(Errc::malformed, "revocation event: missing " + std::string(name));
  return std::string(**v);
}

Result<std::int64_t> member_int(const boost::json::object& o, std::string_view name) {
  auto v = codec::get_int(o, name);
  if (!v) return std::unexpected(std::move(v.error()));
  if (!*v) return fail(Errc::malformed, "revocation event: missing " + std::string(name));
  return **v;
}

}  // namespace

Result<RevocationEvent> parse_revocation_event(std::string_view json) {
  auto o = codec::parse_json_object(json);
  if (!o) return std::unexpected(std::move(o.error()));
  auto type = member_string(*o, "type");
  if (!type) return std::unexpected(std::move(type.error()));
  RevocationEvent e;
  if (*type == "jti" && o->size() == 3) {
    auto jti = member_string(*o, "jti");
    auto exp = member_int(*o, "exp");
    if (!jti) return std::unexpected(std::move(jti.error()));
    if (!exp) return std::unexpected(std::move(exp.error()));
    e.type = RevocationEvent::Type::jti;
    e.jti = std::move(*jti);
    e.exp = *exp;
    return e;
  }
  if (*type == "subject" && o->size() == 3) {
    auto sub = member_string(*o, "sub");
    auto nbf = member_int(*o, "not_before");
    if (!sub) return std::unexpected(std::move(sub.error()));
    if (!nbf) return std::unexpected(std::move(nbf.error()));
    e.type = RevocationEvent::Type::subject;
    e.sub = std::move(*sub);
    e.not_before = *nbf;
    return e;
  }
  if (*type == "grant" && o->size() == 3) {
    auto grant = member_string(*o, "grant");
    auto sub = member_string(*o, "sub");
    if (!grant) return std::unexpected(std::move(grant.error()));
    if (!sub) return std::unexpected(std::move(sub.error()));
    e.type = RevocationEvent::Type::grant;
    e.grant = std::move(*grant);
    e.sub = std::move(*sub);
    return e;
  }
  return fail(Errc::malformed, "revocation event: unknown type or members");
}

Result<std::unique_ptr<RevocationLog>> open_revocation_log(std::string_view uri, std::int64_t retention) {
  if (auto ok = store::check_retention(retention); !ok) return std::unexpected(std::move(ok.error()));
  auto u = store::parse_store_uri(uri);
  if (!u) return std::unexpected(std::move(u.error()));
  switch (u->kind) {
    case store::StoreUri::Kind::memory: return store::make_memory_revocation_log(retention);
    case store::StoreUri::Kind::sqlite: return store::make_sqlite_revocation_log(u->path, retention);
    case store::StoreUri::Kind::redis:
      return store::make_redis_revocation_log(std::move(u->nodes[0].first), u->nodes[0].second, retention);
    case store::StoreUri::Kind::redis_cluster:
      return store::make_redis_cluster_revocation_log(std::move(u->nodes), retention);
  }
  return fail(Errc::internal, "store URI: unknown kind");
}

}  // namespace tessera

namespace tessera::store {

std::optional<std::int64_t> parse_seq_cursor(std::string_view cursor) noexcept {
  if (cursor.empty() || cursor.size() > 18 || (cursor.size() > 1 && cursor[0] == '0')) return std::nullopt;
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), v);
  if (ec != std::errc{} || end != cursor.data() + cursor.size() || v < 0) return std::nullopt;
  return v;
}

Result<void> check_retention(std::int64_t retention) {
  if (retention < 1 || retention > 400 * 86400)
    return fail(Errc::invalid_argument, "revocation log: retention must be 1 s .. 400 days");
  return {};
}

Result<void> check_limit(std::size_t limit) {
  if (limit == 0) return fail(Errc::invalid_argument, "revocation log: read limit must be at least 1");
  return {};
}

Result<std::optional<std::int64_t>> seq_read_args(std::string_view since, std::size_t limit) {
  if (auto ok = check_limit(limit); !ok) return std::unexpected(std::move(ok.error()));
  if (since.empty()) return std::optional<std::int64_t>{};
  auto s = parse_seq_cursor(since);
  if (!s) return fail(Errc::invalid_argument, "revocation log: not a cursor of this log");
  return s;
}

std::int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace tessera::store
