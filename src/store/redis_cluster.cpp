// Redis Cluster slot routing on top of hiredis (see redis_cluster.hpp).
#include "store/redis_cluster.hpp"

#include <algorithm>
#include <set>
#include <thread>
#include <utility>

namespace tessera::store::redis {

namespace {

constexpr std::array<std::uint16_t, 256> make_crc_table() {
  std::array<std::uint16_t, 256> t{};
  for (unsigned i = 0; i < 256; ++i) {
    unsigned crc = i << 8;
    for (int b = 0; b < 8; ++b) crc = (crc & 0x8000u) ? ((crc << 1) ^ 0x1021u) : (crc << 1);
    t[i] = static_cast<std::uint16_t>(crc & 0xFFFFu);
  }
  return t;
}
constexpr auto kCrcTable = make_crc_table();

// "MOVED 3999 127.0.0.1:6381" / "ASK 3999 127.0.0.1:6381" (host may be empty: same host).
bool parse_redirect(std::string_view msg, std::uint16_t& slot, Endpoint& to, std::string_view default_host) {
  auto sp1 = msg.find(' ');
  if (sp1 == std::string_view::npos) return false;
  auto sp2 = msg.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return false;
  auto s = parse_int(msg.substr(sp1 + 1, sp2 - sp1 - 1));
  auto addr = msg.substr(sp2 + 1);
  auto colon = addr.rfind(':');
  if (!s || *s < 0 || *s >= static_cast<std::int64_t>(kSlots) || colon == std::string_view::npos) return false;
  auto port = parse_int(addr.substr(colon + 1));
  if (!port || *port <= 0 || *port > 65535) return false;
  slot = static_cast<std::uint16_t>(*s);
  to.host = colon == 0 ? std::string(default_host) : std::string(addr.substr(0, colon));
  to.port = static_cast<int>(*port);
  return true;
}

}  // namespace

std::uint16_t crc16_xmodem(std::string_view data) noexcept {
  std::uint16_t crc = 0;
  for (unsigned char c : data)
    crc = static_cast<std::uint16_t>((crc << 8) ^ kCrcTable[((crc >> 8) ^ c) & 0xFFu]);
  return crc;
}

std::uint16_t key_slot(std::string_view key) noexcept {
  if (auto open = key.find('{'); open != std::string_view::npos) {
    auto close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  return static_cast<std::uint16_t>(crc16_xmodem(key) % kSlots);
}

ClusterRouter::ClusterRouter(std::vector<Endpoint> seeds, RedisOptions options)
    : seeds_(std::move(seeds)), options_(std::move(options)) {}

std::shared_ptr<ClusterRouter::Node> ClusterRouter::node_for(const Endpoint& at) {
  const auto name = at.str();
  {
    SharedLock lock(map_mu_);
    if (auto it = nodes_.find(name); it != nodes_.end()) return it->second;
  }
  MutexLock lock(map_mu_);
  auto& slot = nodes_[name];
  if (!slot) slot = std::make_shared<Node>(at, options_);
  return slot;
}

std::shared_ptr<ClusterRouter::Node> ClusterRouter::owner_node(std::uint16_t slot) const {
  SharedLock lock(map_mu_);
  return slots_[slot];
}

Endpoint ClusterRouter::owner(std::uint16_t slot) const {
  auto n = owner_node(slot);
  return n ? n->pool.endpoint() : Endpoint{};
}

std::optional<Endpoint> ClusterRouter::endpoint_for(std::string_view key) const {
  if (stale_.load()) return std::nullopt;  // after a redirect or a lost node: run() re-learns the map
  auto n = owner_node(key_slot(key));
  if (!n) return std::nullopt;
  return n->pool.endpoint();
}

void ClusterRouter::set_owner_for_test(std::uint16_t slot, const Endpoint& at) {
  auto n = node_for(at);
  stale_.store(false);
  MutexLock lock(map_mu_);
  slots_[slot] = std::move(n);
}

ClusterRouter::Stats ClusterRouter::stats() const noexcept {
  return {moved_.load(), ask_.load(), tryagain_.load(), refreshes_.load()};
}

Result<void> ClusterRouter::refresh() { return refresh_if_due(true); }

Result<void> ClusterRouter::refresh_if_due(bool force) {
  MutexLock guard(refresh_mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!force) {
    if (!stale_.load()) return {};  // someone else refreshed while we waited
    if (last_refresh_ != std::chrono::steady_clock::time_point{} && now - last_refresh_ < kRefreshInterval)
      return {};  // nodes keep failing: do not turn every call into a full map walk
  }
  last_refresh_ = now;

  // Ask the masters we know first (they are current), then the seeds.
  std::vector<Endpoint> candidates;
  {
    SharedLock lock(map_mu_);
    std::set<std::string> seen;
    for (const auto& n : slots_)
      if (n && seen.insert(n->pool.endpoint().str()).second) candidates.push_back(n->pool.endpoint());
  }
  for (const auto& s : seeds_)
    if (std::find(candidates.begin(), candidates.end(), s) == candidates.end()) candidates.push_back(s);

  std::string last_error = "redis cluster: no seed nodes";
  for (const auto& at : candidates) {
    auto node = node_for(at);
    Result<Reply> r = [&]() -> Result<Reply> {
      auto lease = node->pool.acquire();
      if (!lease) return std::unexpected(std::move(lease.error()));
      return (*lease)->command({"CLUSTER", "SLOTS"});
    }();
    if (!r) {
      last_error = r.error().message;
      continue;
    }
    const redisReply& rep = **r;
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements == 0) {
      last_error = "redis cluster: CLUSTER SLOTS from " + at.str() + ": " + describe(rep);
      continue;
    }
    // Parse into a plan first; apply only a complete, well-formed answer.
    struct Range {
      std::int64_t first, last;
      Endpoint master;
    };
    std::vector<Range> plan;
    bool ok = true;
    for (std::size_t i = 0; i < rep.elements && ok; ++i) {
      const redisReply* e = rep.element[i];
      ok = e->type == REDIS_REPLY_ARRAY && e->elements >= 3 && e->element[2]->type == REDIS_REPLY_ARRAY &&
           e->element[2]->elements >= 2;
      if (!ok) break;
      auto first = integer(*e->element[0]), last = integer(*e->element[1]);
      auto port = integer(*e->element[2]->element[1]);
      std::string host(text(*e->element[2]->element[0]));
      ok = first && last && port && *first >= 0 && *first <= *last && *last < static_cast<std::int64_t>(kSlots) &&
           *port > 0 && *port <= 65535;
      if (!ok) break;
      if (host.empty() || host == "?") host = at.host;  // "unknown": the node we asked
      plan.push_back({*first, *last, Endpoint{std::move(host), static_cast<int>(*port)}});
    }
    if (!ok) {
      last_error = "redis cluster: malformed CLUSTER SLOTS from " + at.str();
      continue;
    }
    std::vector<std::shared_ptr<Node>> owners;
    owners.reserve(plan.size());
    for (const auto& p : plan) owners.push_back(node_for(p.master));
    {
      MutexLock lock(map_mu_);
      slots_.fill(nullptr);
      for (std::size_t i = 0; i < plan.size(); ++i)
        for (auto s = plan[i].first; s <= plan[i].last; ++s) slots_[static_cast<std::size_t>(s)] = owners[i];
    }
    stale_.store(false);
    ++refreshes_;
    return {};
  }
  return fail(Errc::store_unavailable, last_error);
}

Result<Reply> ClusterRouter::run(std::string_view key, const Op& op) {
  if (stale_.load()) (void)refresh_if_due(false);
  const auto slot = key_slot(key);
  auto node = owner_node(slot);
  if (!node) {
    if (auto r = refresh_if_due(false); !r) return std::unexpected(std::move(r.error()));
    node = owner_node(slot);
    if (!node) return fail(Errc::store_unavailable, "redis cluster: no node serves slot " + std::to_string(slot));
  }
  bool asking = false;
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    Result<Reply> r = [&]() -> Result<Reply> {
      auto lease = node->pool.acquire();
      if (!lease) return std::unexpected(std::move(lease.error()));
      return op(**lease, asking);
    }();
    if (!r) {
      mark_stale();  // the node may have failed over or left: re-learn the map next time
      return r;
    }
    const redisReply& rep = **r;
    if (!is_error(rep)) return r;

    const bool moved = error_is(rep, "MOVED");
    if (moved || error_is(rep, "ASK")) {
      std::uint16_t to_slot = 0;
      Endpoint to;
      if (!parse_redirect(text(rep), to_slot, to, node->pool.endpoint().host)) return bad_reply("a redirect", rep);
      auto target = node_for(to);
      if (moved) {
        ++moved_;
        {
          MutexLock lock(map_mu_);
          slots_[to_slot] = target;
        }
        mark_stale();  // one slot moved: others probably did too; re-learn on the next call
        asking = false;
      } else {
        ++ask_;
        asking = true;  // this command only; the map is unchanged
      }
      node = std::move(target);
      continue;
    }
    if (error_is(rep, "TRYAGAIN")) {  // multi-key command during a slot migration
      ++tryagain_;
      std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
      continue;
    }
    if (error_is(rep, "CLUSTERDOWN")) {
      mark_stale();
      return fail(Errc::store_unavailable, "redis cluster: " + std::string(text(rep)));
    }
    return r;  // any other error reply is the caller's to read
  }
  return fail(Errc::store_unavailable, "redis cluster: slot " + std::to_string(slot) + " " +
                                           std::string(kSlotNotSettled) + " after " + std::to_string(kMaxAttempts) +
                                           " attempts (MOVED/ASK/TRYAGAIN)");
}

Result<void> ClusterRouter::ping() {
  if (stale_.load() || !owner_node(0)) {
    if (auto r = refresh_if_due(true); !r) return r;
  }
  std::vector<std::shared_ptr<Node>> masters;
  {
    SharedLock lock(map_mu_);
    std::set<Node*> seen;
    for (const auto& n : slots_) {
      if (!n) return fail(Errc::store_unavailable, "redis cluster: not every slot is served");
      if (seen.insert(n.get()).second) masters.push_back(n);
    }
  }
  for (const auto& n : masters) {
    auto lease = n->pool.acquire();
    if (!lease) {
      mark_stale();
      return std::unexpected(std::move(lease.error()));
    }
    auto r = (*lease)->command({"PING"});
    if (!r) {
      mark_stale();
      return std::unexpected(std::move(r.error()));
    }
    if ((*r)->type != REDIS_REPLY_STATUS || text(**r) != "PONG") return bad_reply("PING", **r);
  }
  return {};
}

}  // namespace tessera::store::redis
