// The store epoch (tessera/store_epoch.hpp): ids, the marker's text form, the decision table,
// the check an instance runs, the marker an operator's confirmation writes, and
// open_epoch_store() over the per-backend parts (epoch_memory.cpp, epoch_sqlite.cpp,
// epoch_redis.cpp). Thread safety: pure functions.
#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <utility>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "store/epoch.hpp"

namespace tessera {

std::string new_epoch_id() {
  std::array<std::uint8_t, 16> bytes{};
  crypto::random_bytes(bytes);
  return codec::base64url_encode(bytes);
}

bool valid_epoch_id(std::string_view id) noexcept {
  if (id.size() < 16 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

EpochVerdict decide_epoch(const std::optional<EpochMarker>& store, const std::optional<std::string>& local) {
  if (!store) return local ? EpochVerdict::store_lost : EpochVerdict::create;
  if (!local) return EpochVerdict::adopt;
  if (*local == store->id) return EpochVerdict::ready;
  if (std::find(store->supersedes.begin(), store->supersedes.end(), *local) != store->supersedes.end())
    return EpochVerdict::adopt;
  return EpochVerdict::store_replaced;
}

std::string_view verdict_name(EpochVerdict v) noexcept {
  switch (v) {
    case EpochVerdict::ready: return "ready";
    case EpochVerdict::adopt: return "adopt";
    case EpochVerdict::create: return "create";
    case EpochVerdict::store_lost: return "store_lost";
    case EpochVerdict::store_replaced: return "store_replaced";
  }
  return "unknown";
}

Result<EpochStatus> check_store_epoch(EpochStore& store, const std::optional<std::string>& local, std::int64_t now) {
  auto marker = store.read();
  if (!marker) return std::unexpected(std::move(marker.error()));
  EpochStatus s;
  s.local = local;
  s.store = std::move(*marker);
  s.verdict = decide_epoch(s.store, local);
  switch (s.verdict) {
    case EpochVerdict::ready:
      s.ready = true;
      s.reason = "the store holds the epoch this instance remembers";
      break;
    case EpochVerdict::adopt:
      s.ready = true;
      s.remember = s.store->id;
      s.reason = local ? "an operator confirmed a reset of the store (its epoch supersedes the one this instance "
                         "remembered); adopted"
                       : "this instance had no epoch yet; adopted the store's";
      break;
    case EpochVerdict::create: {
      auto held = store.create_if_absent(EpochMarker{new_epoch_id(), {}, now});
      if (!held) return std::unexpected(std::move(held.error()));
      s.ready = true;
      s.store = std::move(*held);
      s.remember = s.store->id;
      s.reason = "a new deployment: the store had no epoch marker and this instance none; created it";
      break;
    }
    case EpochVerdict::store_lost:
      s.reason = "the store has no epoch marker but this instance has seen one: the store lost its data "
                 "(restarted without persistence, flushed or deleted?); restore it, or accept it as it is "
                 "with `tessera store confirm-reset`";
      break;
    case EpochVerdict::store_replaced:
      s.reason = "the store's epoch is not the one this instance has seen, nor one it supersedes: the store "
                 "was replaced or reset; restore it, or accept it as it is with `tessera store confirm-reset`";
      break;
  }
  return s;
}

EpochMarker confirm_epoch_marker(const std::optional<EpochMarker>& current, const std::optional<std::string>& local,
                                 std::string fresh, std::int64_t now) {
  EpochMarker m{std::move(fresh), {}, now};
  auto add = [&m](const std::string& id) {
    if (m.supersedes.size() >= kMaxSupersededEpochs || id == m.id) return;
    if (std::find(m.supersedes.begin(), m.supersedes.end(), id) != m.supersedes.end()) return;
    m.supersedes.push_back(id);
  };
  if (local) add(*local);
  if (current) {
    add(current->id);
    for (const auto& old : current->supersedes) add(old);
  }
  return m;
}

namespace store {

std::string encode_epoch_marker(const EpochMarker& m) {
  std::string out = m.id;
  for (const auto& old : m.supersedes) out += " " + old;
  if (m.created_at != 0) out += " @" + std::to_string(m.created_at);
  return out;
}

Result<EpochMarker> decode_epoch_marker(std::string_view text) {
  EpochMarker m;
  // The trailing " @SECONDS" (absent in markers from before it existed: created_at 0).
  if (const auto at = text.rfind(" @"); at != std::string_view::npos) {
    const std::string_view digits = text.substr(at + 2);
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), m.created_at);
    if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || digits[0] == '-' ||
        m.created_at <= 0)
      return fail(Errc::store_unavailable, "store epoch: the marker is malformed");
    text = text.substr(0, at);
  }
  bool first = true;
  while (true) {
    const auto space = text.find(' ');
    const std::string_view id = text.substr(0, space);
    if (!valid_epoch_id(id)) return fail(Errc::store_unavailable, "store epoch: the marker is malformed");
    if (first) m.id = std::string(id);
    else m.supersedes.emplace_back(id);
    first = false;
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  if (m.supersedes.size() > kMaxSupersededEpochs)
    return fail(Errc::store_unavailable, "store epoch: the marker supersedes too many epochs");
  return m;
}

}  // namespace store

Result<std::unique_ptr<EpochStore>> open_epoch_store(std::string_view uri) {
  auto u = store::parse_store_uri(uri);
  if (!u) return std::unexpected(std::move(u.error()));
  switch (u->kind) {
    case store::StoreUri::Kind::memory: return store::make_memory_epoch_store();
    case store::StoreUri::Kind::sqlite: return store::make_sqlite_epoch_store(u->path);
    case store::StoreUri::Kind::redis:
      return store::make_redis_epoch_store(std::move(u->nodes[0].first), u->nodes[0].second, {});
    case store::StoreUri::Kind::redis_cluster: return store::make_redis_cluster_epoch_store(std::move(u->nodes), {});
  }
  return fail(Errc::internal, "store URI: unknown kind");
}

}  // namespace tessera
