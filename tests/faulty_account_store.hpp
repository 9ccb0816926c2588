// Tests: an AccountStore wrapper that fails like an unreachable or stalled backend, and lets a
// test hold a call at one point (a barrier between a login's check and its write).
//  - down: every call fails with store_unavailable, nothing reaches the inner store.
//  - fail_call(n, mode): the n-th call from now fails; Mode::before without reaching the
//    inner store (refused, timed out before sending), Mode::after once the inner store has
//    applied it (a reply lost or timed out after the write).
//  - on_call(name): runs at the start of every call, before it goes on (a test may block in
//    it: a barrier between a login's password check and its write).
//  - calls(): the names of the calls made, in order.
// Thread safety: calls may come from many threads; configure it before they start.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "tessera/account_store.hpp"

namespace tessera::testing {

class FaultyAccountStore final : public AccountStore {
 public:
  enum class Mode { before, after };

  explicit FaultyAccountStore(AccountStore& inner) : inner_(inner), sessions_(*this), users_(*this) {}

  std::atomic<bool> down{false};
  std::function<void(const std::string&)> on_call;

  void fail_call(int n, Mode mode) {
    std::lock_guard lock(mu_);
    fail_at_ = static_cast<int>(names_.size()) + n;
    mode_ = mode;
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mu_);
    return names_;
  }

  SessionStore& sessions() override { return sessions_; }
  UserStore& users() override { return users_; }
  Result<CredentialChangeResult> change_credentials(const CredentialChange& c) override {
    return gate("change_credentials", [&] { return inner_.change_credentials(c); });
  }
  Result<void> ping() override {
    return gate("ping", [&] { return inner_.ping(); });
  }

 private:
  template <class F>
  auto gate(const char* name, F f) -> decltype(f()) {
    if (on_call) on_call(name);
    bool hit = false;
    Mode mode = Mode::before;
    {
      std::lock_guard lock(mu_);
      names_.emplace_back(name);
      hit = fail_at_ == static_cast<int>(names_.size());
      mode = mode_;
    }
    if (down || (hit && mode == Mode::before)) return fail(Errc::store_unavailable, "test: store unreachable");
    auto r = f();
    if (hit) return fail(Errc::store_unavailable, "test: timed out after the store applied the call");
    return r;
  }

  class Sessions final : public SessionStore {
   public:
    explicit Sessions(FaultyAccountStore& o) : o_(o) {}
    Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max) override {
      return o_.gate("create", [&] { return o_.inner_.sessions().create(r, max); });
    }
    Result<std::optional<SessionRecord>> get(std::string_view h) override {
      return o_.gate("get", [&] { return o_.inner_.sessions().get(h); });
    }
    Result<bool> touch(std::string_view h, std::int64_t l, std::int64_t i) override {
      return o_.gate("touch", [&] { return o_.inner_.sessions().touch(h, l, i); });
    }
    Result<bool> rotate(std::string_view h, const SessionRecord& r) override {
      return o_.gate("rotate", [&] { return o_.inner_.sessions().rotate(h, r); });
    }
    Result<bool> update_attributes(std::string_view h, std::string_view e, std::string_view r) override {
      return o_.gate("update_attributes", [&] { return o_.inner_.sessions().update_attributes(h, e, r); });
    }
    Result<bool> revoke(std::string_view h) override {
      return o_.gate("revoke", [&] { return o_.inner_.sessions().revoke(h); });
    }
    Result<std::size_t> revoke_all(std::string_view u, std::optional<std::string_view> e) override {
      return o_.gate("revoke_all", [&] { return o_.inner_.sessions().revoke_all(u, e); });
    }
    Result<std::vector<SessionRecord>> list(std::string_view u, std::int64_t now) override {
      return o_.gate("list", [&] { return o_.inner_.sessions().list(u, now); });
    }
    Result<std::size_t> sweep(std::int64_t now) override {
      return o_.gate("sweep", [&] { return o_.inner_.sessions().sweep(now); });
    }
    Result<void> ping() override {
      return o_.gate("ping", [&] { return o_.inner_.sessions().ping(); });
    }

   private:
    FaultyAccountStore& o_;
  };

  class Users final : public UserStore {
   public:
    explicit Users(FaultyAccountStore& o) : o_(o) {}
    Result<bool> add(const UserRecord& r) override {
      return o_.gate("add", [&] { return o_.inner_.users().add(r); });
    }
    Result<std::optional<UserRecord>> get(std::string_view u) override {
      return o_.gate("get_user", [&] { return o_.inner_.users().get(u); });
    }
    Result<bool> rehash_password(std::string_view u, std::uint64_t g, std::string_view h, std::int64_t t) override {
      return o_.gate("rehash_password", [&] { return o_.inner_.users().rehash_password(u, g, h, t); });
    }
    Result<std::vector<UserRecord>> list() override {
      return o_.gate("list_users", [&] { return o_.inner_.users().list(); });
    }
    Result<ThrottleRecord> throttle_get(std::string_view k, std::int64_t now) override {
      return o_.gate("throttle_get", [&] { return o_.inner_.users().throttle_get(k, now); });
    }
    Result<ThrottleRecord> throttle_fail(std::string_view k, std::int64_t now, std::int64_t w) override {
      return o_.gate("throttle_fail", [&] { return o_.inner_.users().throttle_fail(k, now, w); });
    }
    Result<void> throttle_reset(std::string_view k) override {
      return o_.gate("throttle_reset", [&] { return o_.inner_.users().throttle_reset(k); });
    }
    Result<void> ping() override {
      return o_.gate("ping", [&] { return o_.inner_.users().ping(); });
    }

   private:
    FaultyAccountStore& o_;
  };

  AccountStore& inner_;
  mutable std::mutex mu_;
  std::vector<std::string> names_;  // GUARDED_BY(mu_)
  int fail_at_ = 0;                 // GUARDED_BY(mu_)
  Mode mode_ = Mode::before;        // GUARDED_BY(mu_)
  Sessions sessions_;
  Users users_;
};

}  // namespace tessera::testing
