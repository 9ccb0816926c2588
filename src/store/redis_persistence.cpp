// redis_persistence (tessera/store_persistence.hpp): CONFIG GET appendonly, appendfsync and
// save on each node of a Redis store URI.
#include "tessera/store_persistence.hpp"

#include <chrono>

#include "store/redis_conn.hpp"
#include "store/stores.hpp"

namespace tessera {
namespace {

using namespace std::chrono_literals;

// The value of one CONFIG GET name: a two-element array [name, value].
Result<std::string> config_get(store::redis::Connection& c, std::string_view name) {
  auto reply = c.command({"CONFIG", "GET", name});
  if (!reply) return std::unexpected(reply.error());
  const redisReply& r = **reply;
  if (r.type != REDIS_REPLY_ARRAY || r.elements != 2 || r.element[1] == nullptr)
    return std::unexpected(store::redis::bad_reply("CONFIG GET " + std::string(name), r));
  return std::string(store::redis::text(*r.element[1]));
}

}  // namespace

Result<std::vector<RedisPersistence>> redis_persistence(std::string_view store_uri) {
  auto uri = store::parse_store_uri(store_uri);
  if (!uri) return std::unexpected(uri.error());
  if (uri->kind != store::StoreUri::Kind::redis && uri->kind != store::StoreUri::Kind::redis_cluster)
    return fail(Errc::invalid_argument, "not a Redis store URI");
  std::vector<RedisPersistence> out;
  for (const auto& [host, port] : uri->nodes) {
    const store::redis::Endpoint at{host, port};
    auto conn = store::redis::Connection::open(at, 1000ms, 1000ms);
    if (!conn) return std::unexpected(conn.error());
    RedisPersistence p;
    p.node = at.str();
    auto aof = config_get(**conn, "appendonly");
    if (!aof) return std::unexpected(aof.error());
    auto fsync = config_get(**conn, "appendfsync");
    if (!fsync) return std::unexpected(fsync.error());
    auto save = config_get(**conn, "save");
    if (!save) return std::unexpected(save.error());
    p.appendonly = *aof == "yes";
    p.appendfsync = *fsync;
    p.save = *save;
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace tessera
