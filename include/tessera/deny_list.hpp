// DenyList: the RevocationState (tessera/authenticator.hpp) a resource server keeps from the
// revocation feed (docs/revocation-feed.md, docs/resource-keys.md), fed by a
// RevocationFeedSubscriber (tessera/revocation_subscriber.hpp) or by hand. Rules:
//  - jti event: tokens with that jti are revoked until the event's exp;
//  - grant event: tokens whose sid is that grant are revoked for max_token_ttl from when the
//    event was applied (the longest a token of that grant can still live);
//  - subject event: tokens of that sub with iat < not_before are revoked, kept until
//    not_before + max_token_ttl (every token issued before it has expired by then); a later
//    not_before for the same subject replaces an earlier one, never the reverse;
//  - entries past their end are pruned (on apply, at most every second, and by prune());
//  - at most max_entries entries: when an event would go over, the list forgets everything
//    and sets unknown_before = now (as a resync: the tokens issued before now cannot be
//    vouched for; fail closed, never a silently dropped revocation);
//  - heard_from(now) records an answer of the feed; fresh(now) is whether the last one was at
//    most max_stale seconds ago (never heard: not fresh);
//  - resync(now): unknown_before = now (the feed lost our place: anything issued before may
//    have been revoked without our hearing); entries are kept (they are still true).
// unknown_before() is 0 until a resync (or an overflow, or a subscriber's fresh start).
// Thread safety: all methods are thread-safe (one mutex; is_revoked takes it shared).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "tessera/authenticator.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera {

struct DenyListOptions {
  std::int64_t max_token_ttl = 24 * 3600;  // the issuer's longest access-token TTL (seconds, >= 1)
  std::int64_t max_stale = 60;             // seconds without an answer before fresh() is false (>= 1)
  std::size_t max_entries = 100000;        // jtis + grants + subjects (>= 1)
};

class DenyList final : public RevocationState {
 public:
  // invalid_argument when an option is out of its bounds.
  static Result<std::shared_ptr<DenyList>> create(DenyListOptions options = {});
  ~DenyList() override;

  void apply(const RevocationEvent& event, std::int64_t now);
  void heard_from(std::int64_t now);
  void resync(std::int64_t now);
  // Drops the entries that ended before now.
  void prune(std::int64_t now);
  std::size_t size() const;
  const DenyListOptions& options() const noexcept;

  bool is_revoked(std::string_view jti, std::string_view subject, std::string_view sid, std::int64_t issued_at,
                  std::int64_t now) const override;
  bool fresh(std::int64_t now) const override;
  std::int64_t unknown_before() const override;

 private:
  struct State;
  explicit DenyList(DenyListOptions options);
  std::unique_ptr<State> state_;
};

}  // namespace tessera
