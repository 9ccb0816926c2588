// Keeping the server's signing keys in step with keys/ (key_watcher.hpp).
#include "server/key_watcher.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

namespace tessera::server {
namespace {

namespace json = boost::json;

json::array describe(const KeyRing& ring, std::int64_t now) {
  json::array out;
  for (const auto& s : ring.status(now))
    out.push_back(json::object{{"kid", s.entry->key.kid()},
                               {"alg", alg_name(s.group)},
                               {"state", key_state_name(s.state)},
                               {"activates_at", s.activates_at}});
  return out;
}

}  // namespace

std::string KeyWatcher::signature() const {
  // Names, sizes, mtimes and inodes of the key files: a new, replaced or removed file changes it.
  std::vector<std::string> parts;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(keys_dir_, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(".jwk")) continue;
    struct stat st {};
    if (::stat(it->path().c_str(), &st) != 0) continue;
    parts.push_back(fmt::format("{}:{}:{}:{}.{}", name, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec));
  }
  if (ec) return "unreadable";
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const auto& p : parts) out += p + "\n";
  return out;
}

Result<bool> KeyWatcher::reload() {
  const std::string sig = signature();
  if (sig == seen_ && ring_) return false;
  auto files = load_key_files(keys_dir_);
  if (!files) return std::unexpected(files.error());
  auto ring = key_ring_of(*files, policy_);
  if (!ring) return std::unexpected(ring.error());
  auto shared = std::make_shared<const KeyRing>(std::move(*ring));
  if (auto ok = oauth_.set_key_ring(shared); !ok) return std::unexpected(ok.error());
  seen_ = sig;
  ring_ = std::move(shared);
  log_.log(LogLevel::info, "signing keys loaded", json::object{{"keys", describe(*ring_, clock_.now())}});
  return true;
}

Result<void> KeyWatcher::start() {
  auto r = reload();
  if (!r) return std::unexpected(r.error());
  return {};
}

bool KeyWatcher::check() {
  auto changed = reload();
  if (!changed) {
    // Keep signing with what was loaded; say once per change of the directory.
    const std::string sig = signature();
    if (sig != seen_) {
      log_.log(LogLevel::error, "signing keys not reloaded",
               json::object{{"error", changed.error().name()}, {"detail", changed.error().message}});
      seen_ = sig;
    }
    return false;
  }
  if (!ring_) return false;
  const auto now = clock_.now();
  if (!ring_->rotation_due(now).empty()) {
    auto rotated = rotate_keys(keys_dir_, std::nullopt, policy_, clock_);
    if (!rotated) {
      // Once per failure streak: the check runs four times a second.
      if (!rotate_failing_)
        log_.log(LogLevel::error, "signing key rotation failed",
                 json::object{{"error", rotated.error().name()}, {"detail", rotated.error().message}});
      rotate_failing_ = true;
    } else {
      rotate_failing_ = false;
      for (const auto& r : *rotated)
        if (r.added)
          log_.log(LogLevel::info, "signing key added",
                   json::object{{"kid", r.kid}, {"alg", alg_name(r.group)}, {"reason", "key_rotation_interval"}});
      if (auto again = reload(); again && *again) *changed = true;
    }
  }
  bool prunable = false;
  for (const auto& s : ring_->status(now))
    prunable = prunable || (s.state == KeyState::retired && now >= *s.retires_at + policy_.retire_after());
  if (prunable) {
    auto removed = prune_retired_keys(keys_dir_, policy_, now, policy_.retire_after());
    if (!removed && !prune_failing_)
      log_.log(LogLevel::warn, "retired key files not removed",
               json::object{{"error", removed.error().name()}, {"detail", removed.error().message}});
    prune_failing_ = !removed;
    if (removed)
      for (const auto& name : *removed) log_.log(LogLevel::info, "retired key file removed", json::object{{"file", name}});
  }
  return *changed;
}

}  // namespace tessera::server
