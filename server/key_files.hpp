// The signing key files of a data directory's keys/ (docs/keys.md): every file *.jwk is one
// private JWK bound to its algorithm (ES256, EdDSA with kid = its PASERK k4.pid, RS256),
// carrying its schedule as extra members:
//   "tessera_created_at":   when it was written (Unix seconds, rounded up: rotate_keys);
//   "tessera_activates_at": (optional) when it starts signing; absent: created_at +
//                           publish_ahead, computed by each reader (KeyRing), so every instance
//                           sharing the directory derives the same schedule from its settings.
// A file without tessera_created_at (written by an older version) counts as created and active
// at 0. First-start keys are es256.jwk, ed25519.jwk, rs256.jwk (active at once); rotated keys
// are <group>-<kid>.jwk (es256-, ed25519-, rs256-), one per kid.
// Writers (first start, rotation, pruning) hold an exclusive flock on keys/.lock and decide
// after reading the directory under it, so two instances or CLI runs never add two next keys
// to a group. Files are written whole and linked into place (private_file.hpp), mode 0600.
// Thread safety: free functions; processes coordinate through the lock.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/key_ring.hpp"
#include "tessera/keys.hpp"

namespace tessera::server {

// The exclusive lock on keys/.lock, held while alive.
class KeysLock {
 public:
  // io_error when the lock file cannot be opened; blocks until the lock is free.
  static Result<KeysLock> acquire(const std::string& keys_dir);
  KeysLock(KeysLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  KeysLock& operator=(KeysLock&&) = delete;
  ~KeysLock();

 private:
  explicit KeysLock(int fd) : fd_(fd) {}
  int fd_;
};

// One key file, loaded.
struct KeyFile {
  std::string name;  // file name within keys/
  KeyRingEntry entry;
};

// Every *.jwk file of keys_dir, first-start files first (ed25519, es256, rs256), then the rest
// by name. A file that vanishes while listed (pruned) is skipped. invalid_key for a file that
// is not one private signing key of a group (a first-start file: of its algorithm), or whose
// timestamps are not non-negative integers; io_error when the directory cannot be read.
Result<std::vector<KeyFile>> load_key_files(const std::string& keys_dir);

// A new private key of group (bound to its algorithm; Ed25519 named by its pid) as its file
// holds it, with tessera_created_at = created_at and, when given, tessera_activates_at.
Result<std::string> new_key_file_text(Algorithm group, std::int64_t created_at,
                                      std::optional<std::int64_t> activates_at = std::nullopt);
// The file name of a rotated key: "<group>-<kid>.jwk".
std::string rotated_key_file_name(Algorithm group, const std::string& kid);

// What rotate_keys did for one group.
struct Rotated {
  Algorithm group;
  std::string kid;
  bool added = false;  // false: the group already had a next key (this is its kid)
  std::int64_t created_at = 0;  // of the key added or kept
};

// Under the lock: reads keys/ and, for each group named (nullopt: each group whose rotation is
// due by policy.rotation_interval at clock.now()), adds a next key unless the group already has
// one. A new key's created_at is clock.now() + 1, read after the key is generated: the clock
// counts whole seconds down, so the key file exists (give or take the write itself) by
// created_at, and its activates_at is at least publish_ahead after any server could see it.
// Errors: those of KeysLock, load_key_files, KeyRing::create and writing.
Result<std::vector<Rotated>> rotate_keys(const std::string& keys_dir, const std::optional<std::vector<Algorithm>>& groups,
                                         const KeyRingPolicy& policy, const Clock& clock);

// Under the lock: removes the files of keys retired for longer than `margin` (never a group's
// last key). Returns the names removed.
Result<std::vector<std::string>> prune_retired_keys(const std::string& keys_dir, const KeyRingPolicy& policy,
                                                    std::int64_t now, std::int64_t margin);

// Under the lock: writes the first-start file of each group that has no key file (created and
// active at now). Returns whether it wrote any.
Result<bool> create_missing_keys(const std::string& keys_dir, std::int64_t now);

// The ring of the files' keys under policy.
Result<KeyRing> key_ring_of(const std::vector<KeyFile>& files, const KeyRingPolicy& policy);

}  // namespace tessera::server
