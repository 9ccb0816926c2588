// Internal: the accounts of the in-memory backend, shared by its two halves
// (memory_user_store.cpp reads and adds them; memory_store.cpp reads generations and changes
// credentials together with sessions).
// Thread safety: mu guards users. Lock order: the session half's mutex first, then mu.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "common/mutex.hpp"
#include "tessera/user_store.hpp"

namespace tessera::store {

struct MemoryUsers {
  Mutex mu;
  std::map<std::string, UserRecord, std::less<>> users GUARDED_BY(mu);  // sorted for list()

  // REQUIRES: mu held. The user's generation; 0 without an account.
  std::uint64_t generation_of(std::string_view user) const REQUIRES(mu) {
    auto it = users.find(user);
    return it == users.end() ? 0 : it->second.generation;
  }
};

}  // namespace tessera::store
