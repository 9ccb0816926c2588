// The signing key files (key_files.hpp).
#include "server/key_files.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "server/private_file.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;
constexpr std::size_t kMaxKeyFileBytes = 64 * 1024;
constexpr const char* kCreatedAt = "tessera_created_at";
constexpr const char* kActivatesAt = "tessera_activates_at";

struct Group {
  Algorithm alg;
  const char* prefix;      // of rotated files: "<prefix>-<kid>.jwk"
  const char* first_file;  // the first-start file
  KeySpec spec;
};
constexpr Group kGroups[] = {
    {Algorithm::EdDSA, "ed25519", "ed25519.jwk", KeySpec::ed25519},
    {Algorithm::ES256, "es256", "es256.jwk", KeySpec::p256},
    {Algorithm::RS256, "rs256", "rs256.jwk", KeySpec::rsa2048},
};

const Group& group_of(Algorithm a) {
  for (const auto& g : kGroups)
    if (g.alg == a) return g;
  return kGroups[0];
}

// The group a file name promises: a first-start name, or a rotated "<prefix>-..." name.
const Group* promised_group(const std::string& name, bool& first_start) {
  for (const auto& g : kGroups) {
    first_start = name == g.first_file;
    if (first_start || name.starts_with(std::string(g.prefix) + "-")) return &g;
  }
  return nullptr;
}

// Ed25519 keys serve PASETO v4.public too, so they are named by their PASERK id.
Result<Key> named(Key key) {
  if (key.kty() != "OKP") return key;
  auto pid = paseto::v4_pid(key);
  if (!pid) return std::unexpected(pid.error());
  if (key.kid() == *pid) return key;
  return key.with_kid(std::move(*pid));
}

Result<std::optional<std::int64_t>> timestamp(const json::object& o, const char* member, const std::string& path) {
  const auto* v = o.if_contains(member);
  if (!v) return std::optional<std::int64_t>();
  if (!v->is_int64() || v->get_int64() < 0)
    return fail(Errc::invalid_key, fmt::format("{}: {} is not a non-negative integer", path, member));
  return std::optional<std::int64_t>(v->get_int64());
}

// One key file: a private signing key of the group its name promises, and its timestamps.
Result<std::optional<KeyFile>> load_one(const std::string& keys_dir, const std::string& name) {
  const std::string path = keys_dir + "/" + name;
  auto text = read_small_file(path, kMaxKeyFileBytes, Errc::invalid_key);
  if (!text) return std::unexpected(std::move(text.error()));
  if (!*text) return std::optional<KeyFile>();  // pruned meanwhile
  bool first_start = false;
  const Group* g = promised_group(name, first_start);
  auto set = load_key_set(**text);
  if (!set) return fail(Errc::invalid_key, fmt::format("{}: {}", path, set.error().message));
  if (set->size() != 1) return fail(Errc::invalid_key, fmt::format("{}: expected exactly one key", path));
  const Key& key = set->keys().front();
  if (key.is_symmetric() || !key.has_private() || !key.can_sign())
    return fail(Errc::invalid_key, fmt::format("{}: not a private signing key", path));
  // Bound to its one algorithm (the JWK's alg), as published in the JWKS.
  if (!g || key_ring_group(key) != g->alg || key.algorithms().size() != 1 || key.algorithms().front() != g->alg)
    return fail(Errc::invalid_key, fmt::format("{}: not an {} key", path, g ? alg_name(g->alg) : "ES256/EdDSA/RS256"));
  auto k = named(key);
  if (!k) return std::unexpected(k.error());
  KeyFile out{name, KeyRingEntry{std::move(*k), 0, std::nullopt}};
  std::error_code ec;
  const auto parsed = json::parse(**text, ec);
  if (!ec && parsed.is_object()) {
    auto created = timestamp(parsed.as_object(), kCreatedAt, path);
    auto activates = timestamp(parsed.as_object(), kActivatesAt, path);
    if (!created) return std::unexpected(created.error());
    if (!activates) return std::unexpected(activates.error());
    out.entry.created_at = created->value_or(0);
    // An older version's file: created and active at 0.
    out.entry.activates_at = *created ? *activates : std::optional<std::int64_t>(activates->value_or(0));
  } else {
    out.entry.activates_at = 0;  // PEM: an older or hand-made file
  }
  return std::optional<KeyFile>(std::move(out));
}

// A new private key of the group, bound to its algorithm (an RSA key would otherwise allow every
// RS and PS algorithm), Ed25519 named by its pid.
Result<Key> generate_group_key(Algorithm group) {
  const Group& g = group_of(group);
  auto key = Key::generate(g.spec);
  if (!key) return std::unexpected(key.error());
  auto jwk = key->to_jwk(true);
  if (!jwk) return std::unexpected(jwk.error());
  (*jwk)["alg"] = alg_name(g.alg);
  auto bound = Key::from_jwk(*jwk);
  if (bound) bound = named(std::move(*bound));
  return bound;
}

Result<std::string> key_file_text(const Key& key, std::int64_t created_at, std::optional<std::int64_t> activates_at) {
  auto out = key.to_jwk(true);
  if (!out) return std::unexpected(out.error());
  (*out)[kCreatedAt] = created_at;
  if (activates_at) (*out)[kActivatesAt] = *activates_at;
  return json::serialize(*out) + "\n";
}

std::size_t order(const std::string& name) {
  for (std::size_t i = 0; i < std::size(kGroups); ++i)
    if (name == kGroups[i].first_file) return i;
  return std::size(kGroups);
}

}  // namespace

Result<KeysLock> KeysLock::acquire(const std::string& keys_dir) {
  const std::string path = keys_dir + "/.lock";
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail(Errc::io_error, fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  while (::flock(fd, LOCK_EX) != 0) {
    if (errno == EINTR) continue;
    const int err = errno;
    ::close(fd);
    return fail(Errc::io_error, fmt::format("cannot lock {}: {}", path, std::strerror(err)));
  }
  return KeysLock(fd);
}

KeysLock::~KeysLock() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

Result<std::vector<KeyFile>> load_key_files(const std::string& keys_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(keys_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.ends_with(".jwk") && !name.starts_with(".")) names.push_back(name);
  }
  if (ec) return fail(Errc::io_error, fmt::format("cannot list {}: {}", keys_dir, ec.message()));
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return std::make_pair(order(a), a) < std::make_pair(order(b), b);
  });
  std::vector<KeyFile> out;
  for (const auto& name : names) {
    auto f = load_one(keys_dir, name);
    if (!f) return std::unexpected(f.error());
    if (*f) out.push_back(std::move(**f));
  }
  return out;
}

Result<std::string> new_key_file_text(Algorithm group, std::int64_t created_at, std::optional<std::int64_t> activates_at) {
  auto key = generate_group_key(group);
  if (!key) return std::unexpected(key.error());
  return key_file_text(*key, created_at, activates_at);
}

std::string rotated_key_file_name(Algorithm group, const std::string& kid) {
  return fmt::format("{}-{}.jwk", group_of(group).prefix, kid);
}

Result<bool> create_missing_keys(const std::string& keys_dir, std::int64_t now) {
  auto lock = KeysLock::acquire(keys_dir);
  if (!lock) return std::unexpected(lock.error());
  auto files = load_key_files(keys_dir);
  if (!files) return std::unexpected(files.error());
  bool created = false;
  for (const auto& g : kGroups) {
    const bool present = std::any_of(files->begin(), files->end(),
                                     [&g](const KeyFile& f) { return key_ring_group(f.entry.key) == g.alg; });
    if (present) continue;
    auto text = new_key_file_text(g.alg, now, now);
    if (!text) return std::unexpected(text.error());
    auto w = write_private_file(keys_dir, keys_dir + "/" + g.first_file, *text, Placement::create_only);
    std::fill(text->begin(), text->end(), '\0');
    if (!w) return std::unexpected(w.error());
    created = created || *w;
  }
  return created;
}

Result<KeyRing> key_ring_of(const std::vector<KeyFile>& files, const KeyRingPolicy& policy) {
  std::vector<KeyRingEntry> entries;
  for (const auto& f : files) entries.push_back(f.entry);
  return KeyRing::create(std::move(entries), policy);
}

Result<std::vector<Rotated>> rotate_keys(const std::string& keys_dir, const std::optional<std::vector<Algorithm>>& groups,
                                         const KeyRingPolicy& policy, const Clock& clock) {
  auto lock = KeysLock::acquire(keys_dir);
  if (!lock) return std::unexpected(lock.error());
  auto files = load_key_files(keys_dir);
  if (!files) return std::unexpected(files.error());
  auto ring = key_ring_of(*files, policy);
  if (!ring) return std::unexpected(ring.error());
  const auto now = clock.now();
  const std::vector<Algorithm> chosen = groups ? *groups : ring->rotation_due(now);
  std::vector<Rotated> out;
  for (const Algorithm a : chosen) {
    const KeyRingEntry* existing = nullptr;
    for (const auto& s : ring->status(now))
      if (s.group == a && s.state == KeyState::next) existing = s.entry;
    if (existing) {
      out.push_back(Rotated{a, existing->key.kid(), false, existing->created_at});
      continue;
    }
    auto key = generate_group_key(a);
    if (!key) return std::unexpected(key.error());
    const auto created_at = clock.now() + 1;  // after generating: see key_files.hpp
    auto text = key_file_text(*key, created_at, std::nullopt);
    if (!text) return std::unexpected(text.error());
    const std::string path = keys_dir + "/" + rotated_key_file_name(a, key->kid());
    auto w = write_private_file(keys_dir, path, *text, Placement::create_only);
    std::fill(text->begin(), text->end(), '\0');
    if (!w) return std::unexpected(w.error());
    out.push_back(Rotated{a, key->kid(), true, created_at});
  }
  return out;
}

Result<std::vector<std::string>> prune_retired_keys(const std::string& keys_dir, const KeyRingPolicy& policy,
                                                    std::int64_t now, std::int64_t margin) {
  auto lock = KeysLock::acquire(keys_dir);
  if (!lock) return std::unexpected(lock.error());
  auto files = load_key_files(keys_dir);
  if (!files) return std::unexpected(files.error());
  auto ring = key_ring_of(*files, policy);
  if (!ring) return std::unexpected(ring.error());
  std::vector<std::string> removed;
  // A retired key always has a successor (its group's newest key is never retired), so removing
  // retired keys never empties a group.
  for (const auto& s : ring->status(now)) {
    if (s.state != KeyState::retired || !s.retires_at || now < *s.retires_at + margin) continue;
    for (const auto& f : *files) {
      if (f.entry.key.kid() != s.entry->key.kid()) continue;
      if (::unlink((keys_dir + "/" + f.name).c_str()) == 0) removed.push_back(f.name);
      else if (errno != ENOENT)
        return fail(Errc::io_error, fmt::format("cannot remove {}/{}: {}", keys_dir, f.name, std::strerror(errno)));
    }
  }
  return removed;
}

}  // namespace tessera::server
