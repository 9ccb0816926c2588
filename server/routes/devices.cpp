// A user's devices (server/routes/devices.hpp).
#include "server/routes/devices.hpp"

#include <utility>

#include <boost/json.hpp>

namespace tessera::server {
namespace {

namespace json = boost::json;

// A family id (GrantRecord::family_id: 128 random bits as base64url); a session's id hash is 43.
constexpr std::size_t kGrantIdLength = 22;

Device grant_device(const GrantInfo& g) {
  Device d;
  d.id = g.family_id;
  d.app = true;
  d.client_id = g.client_id;
  d.client_name = g.client_name;
  d.scope = g.scope;
  d.created_at = g.created_at;
  d.last_seen_at = g.last_used_at;
  // What the code exchange's client said about itself ({"ip", "user_agent"}), when it parses.
  boost::system::error_code ec;
  const json::value info = json::parse(g.client_info_json, ec);
  if (!ec && info.is_object()) {
    const auto str = [&info](const char* k) {
      const auto* v = info.as_object().if_contains(k);
      return v && v->is_string() ? std::string(v->as_string()) : std::string();
    };
    d.ip = str("ip");
    d.user_agent = str("user_agent");
  }
  return d;
}

}  // namespace

asio::awaitable<Result<std::vector<Device>>> list_devices(const AppContext& ctx, std::string user,
                                                          std::string current_hash) {
  auto r = co_await run_store(ctx, [&ctx, &user] { return ctx.auth.sessions(user); });
  if (!r) co_return std::unexpected(std::move(r.error()));
  auto g = co_await run_store(ctx, [&ctx, &user] { return ctx.oauth.grants(user); });
  if (!g) co_return std::unexpected(std::move(g.error()));
  std::vector<Device> out;
  out.reserve(r->size() + g->size());
  for (const auto& s : *r) {
    const auto& rec = s.record;
    Device& d = out.emplace_back();
    d.id = rec.id_hash;
    d.ip = rec.client.ip;
    d.user_agent = rec.client.user_agent;
    d.created_at = rec.created_at;
    d.last_seen_at = rec.last_seen_at;
    d.current = rec.id_hash == current_hash;
  }
  for (const auto& grant : *g) out.push_back(grant_device(grant));
  co_return out;
}

asio::awaitable<Result<void>> revoke_device(const AppContext& ctx, std::string user, std::string id) {
  const bool grant = id.size() == kGrantIdLength;
  auto r = co_await run_store(ctx, [&ctx, &user, &id, grant] {
    return grant ? ctx.oauth.revoke_grant(user, id) : ctx.auth.revoke_session(user, id);
  });
  if (r && !grant) ctx.metrics.add(Counter::sessions_revoked);
  co_return r;
}

}  // namespace tessera::server
